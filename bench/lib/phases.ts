/**
 * Where dispatchDue's time goes, measured around the real src/schedule/dispatch.ts (never a copy of it):
 * - timedClient(): wraps the dispatcher's connection and times each query by kind (begin, claim,
 *   dispatch_occurrences, commit); what remains of the wall time is JavaScript (calendar decide(),
 *   JSON encoding) and the event loop.
 * - profileStatements(): auto_explain (nested statements, log_analyze, triggers) sent back as NOTICEs
 *   on a superuser connection, to split dispatch_occurrences into its SQL statements and triggers.
 */
import type pg from "pg";

export interface PhaseTimes {
  begin: number;
  claim: number;
  dispatch: number;
  commit: number;
  other: number;
  batches: number;
  wall: number;
}

export function emptyPhases(): PhaseTimes {
  return { begin: 0, claim: 0, dispatch: 0, commit: 0, other: 0, batches: 0, wall: 0 };
}

export function addPhases(a: PhaseTimes, b: PhaseTimes): PhaseTimes {
  return {
    begin: a.begin + b.begin,
    claim: a.claim + b.claim,
    dispatch: a.dispatch + b.dispatch,
    commit: a.commit + b.commit,
    other: a.other + b.other,
    batches: a.batches + b.batches,
    wall: a.wall + b.wall,
  };
}

/** JavaScript share of the wall time: decide() for every claimed row, JSON.stringify, event loop. */
export function jsTime(p: PhaseTimes): number {
  return p.wall - p.begin - p.claim - p.dispatch - p.commit - p.other;
}

/** The same connection, with every query(text, values) timed into `t` by what it is. */
export function timedClient<C extends pg.ClientBase>(client: C, t: PhaseTimes): C {
  const query = async (text: string, values?: unknown[]) => {
    const start = performance.now();
    try {
      return await client.query(text, values);
    } finally {
      const d = performance.now() - start;
      if (text === "begin") t.begin += d;
      else if (text === "commit") t.commit += d;
      else if (text.includes("claim_due_tasks")) {
        t.claim += d;
        t.batches += 1;
      } else if (text.includes("dispatch_occurrences")) t.dispatch += d;
      else t.other += d;
    }
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "query") return query;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// auto_explain profile
// ---------------------------------------------------------------------------------------------

export interface StatementProfile {
  text: string;
  calls: number;
  ms: number;
}
export interface TriggerProfile {
  name: string;
  relation: string;
  calls: number;
  ms: number;
}

interface PlanJson {
  "Query Text"?: string;
  Plan?: { "Actual Total Time"?: number };
  Triggers?: Array<{ "Trigger Name"?: string; Relation?: string; Time?: number; Calls?: number }>;
}

function normalise(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Turns auto_explain on for `client` (must be a superuser connection: LOAD) with NOTICE output,
 * and collects statement durations and trigger times until stop() is called.
 */
export async function startStatementProfile(
  client: pg.Client,
  minDurationMs = 0,
): Promise<{
  stop: () => Promise<{ statements: StatementProfile[]; triggers: TriggerProfile[]; plans: string[] }>;
}> {
  const statements = new Map<string, StatementProfile>();
  const triggers = new Map<string, TriggerProfile>();
  const plans: string[] = [];
  const onNotice = (msg: { message?: string }) => {
    const m = /^duration: ([\d.]+) ms\s+plan:\s*([\s\S]*)$/.exec(msg.message ?? "");
    if (!m) return;
    const duration = Number(m[1]);
    let plan: PlanJson;
    try {
      plan = JSON.parse(m[2]!) as PlanJson;
    } catch {
      return;
    }
    plans.push(m[2]!);
    const text = normalise(plan["Query Text"] ?? "?");
    const s = statements.get(text) ?? { text, calls: 0, ms: 0 };
    s.calls += 1;
    s.ms += duration;
    statements.set(text, s);
    for (const tr of plan.Triggers ?? []) {
      const key = `${tr["Trigger Name"]} on ${tr.Relation}`;
      const t = triggers.get(key) ?? { name: tr["Trigger Name"] ?? "?", relation: tr.Relation ?? "?", calls: 0, ms: 0 };
      t.calls += tr.Calls ?? 0;
      t.ms += tr.Time ?? 0;
      triggers.set(key, t);
    }
  };
  client.on("notice", onNotice);
  await client.query("load 'auto_explain'");
  await client.query(`set auto_explain.log_min_duration = ${Number(minDurationMs)};
                      set auto_explain.log_analyze = on;
                      set auto_explain.log_timing = on;
                      set auto_explain.log_triggers = on;
                      set auto_explain.log_nested_statements = on;
                      set auto_explain.log_format = 'json';
                      set auto_explain.log_level = 'notice';
                      set client_min_messages = 'notice'`);
  return {
    stop: async () => {
      await client.query("set auto_explain.log_min_duration = -1");
      client.off("notice", onNotice);
      return {
        statements: [...statements.values()].sort((a, b) => b.ms - a.ms),
        triggers: [...triggers.values()].sort((a, b) => b.ms - a.ms),
        plans,
      };
    },
  };
}
