/**
 * The hand-written baseline of bench/api.ts: the least a request must do. node:http, no framework:
 * verify the JWT (the same verifier, with the same verified-token cache, as the API), one
 * transaction on a pooled connection (20, as the API's pool) with `role` = visitor and the claims
 * set (one round trip: `begin; select set_config(…)`), the SQL PostGraphile generates for the
 * workload (bench/api.ts prints both), commit, JSON out. W5 calls src/schedule/calendar.ts directly.
 *
 * Routes: POST /w1, /w2, /w3 (offset or cursor), /pause, /resume, /w5 with a JSON body of variables.
 * Env: BASELINE_AUTH_URL, JWT_SECRET, DATABASE_VISITOR, PORT.
 */
import http from "node:http";
import pg from "pg";
import { AuthError, makeVerifier, pgSettingsFor } from "../../src/http/auth.js";
import { describeSchedule, previewOccurrences, validateSchedule, type ScheduleSpec } from "../../src/schedule/calendar.js";

const pool = new pg.Pool({ connectionString: process.env.BASELINE_AUTH_URL, max: 20 });
pool.on("error", () => undefined);
const verify = makeVerifier({ secret: process.env.JWT_SECRET, jwksUrl: undefined, issuer: undefined, audience: undefined });
const visitor = process.env.DATABASE_VISITOR ?? "sat_visitor";

type Vars = Record<string, unknown>;

async function inTransaction<T>(
  claims: Awaited<ReturnType<typeof verify>>,
  readOnly: boolean,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    const settings = client.escapeLiteral(JSON.stringify(Object.entries(pgSettingsFor(claims, visitor))));
    await client.query(
      `${readOnly ? "begin isolation level repeatable read, read only" : "begin"}; select set_config(el->>0, el->>1, true) from json_array_elements(${settings}::json) el`,
    );
    try {
      const out = await fn(client);
      await client.query("commit");
      return out;
    } catch (err) {
      await client.query("rollback");
      throw err;
    }
  } finally {
    client.release();
  }
}

const TS = `'YYYY-MM-DD"T"HH24:MI:SS.USTZH:TZM'::text`;

/** The statements PostGraphile sends for each workload, verbatim (bench/api.ts section 0 prints them), unnamed. */
const handlers: Record<string, (c: pg.PoolClient, v: Vars) => Promise<unknown>> = {
  // allScheduledTasks(condition: {status: "active"}, orderBy: NEXT_EXECUTION_AT_ASC, first: 20) { totalCount nodes {…} }
  async w1(c) {
    const page = await c.query({
      rowMode: "array",
      text: `select __scheduled_tasks__."task_id" as "0", __scheduled_tasks__."name" as "1", __scheduled_tasks__."status" as "2", to_char(__scheduled_tasks__."next_execution_at", ${TS}) as "3" from "app_public"."scheduled_tasks" as __scheduled_tasks__ where (__scheduled_tasks__."status" = $1::"varchar") order by __scheduled_tasks__."next_execution_at" asc, __scheduled_tasks__."task_id" asc limit 20;`,
      values: ["active"],
    });
    const count = await c.query({
      rowMode: "array",
      text: `select (count(*))::text as "0" from "app_public"."scheduled_tasks" as __scheduled_tasks__ where (__scheduled_tasks__."status" = $1::"varchar");`,
      values: ["active"],
    });
    return {
      allScheduledTasks: {
        totalCount: Number(count.rows[0]![0]),
        nodes: page.rows.map((r) => ({ taskId: r[0], name: r[1], status: r[2], nextExecutionAt: r[3] })),
      },
    };
  },
  // scheduledTaskByTaskId(taskId) { … taskExecutionsByTaskId(orderBy: CREATED_AT_DESC, first: 10) { nodes {…} } }: one statement
  async w2(c, v) {
    const { rows } = await c.query({
      rowMode: "array",
      text: `select __scheduled_tasks__."task_id" as "0", __scheduled_tasks__."name" as "1", __scheduled_tasks__."status" as "2", to_char(__scheduled_tasks__."next_execution_at", ${TS}) as "3", array(select array[ __task_executions__."execution_id", __task_executions__."status", to_char(__task_executions__."created_at", ${TS}) ]::text[] from "app_public"."task_executions" as __task_executions__ where (__task_executions__."task_id" = __scheduled_tasks__."task_id") order by __task_executions__."created_at" desc, __task_executions__."execution_id" desc limit 10)::text as "4" from "app_public"."scheduled_tasks" as __scheduled_tasks__ where (__scheduled_tasks__."task_id" = $1::"uuid");`,
      values: [v.id],
    });
    const row = rows[0];
    if (!row) return { scheduledTaskByTaskId: null };
    // "{{id,status,ts},…}": the text form of a text[][] (no quoting needed for these values except the timestamp's quotes)
    const inner = String(row[4]).slice(2, -2);
    const nodes = inner
      ? inner.split("},{").map((e) => {
          const [executionId, status, createdAt] = e.split(",").map((x) => x.replace(/^"|"$/g, ""));
          return { executionId, status, createdAt };
        })
      : [];
    return {
      scheduledTaskByTaskId: { taskId: row[0], name: row[1], status: row[2], nextExecutionAt: row[3], taskExecutionsByTaskId: { nodes } },
    };
  },
  // allScheduledTasks(condition: {accountId}, orderBy: CREATED_AT_DESC, first: 20, offset | after) { nodes {…} pageInfo {…} }
  async w3(c, v) {
    const values: unknown[] = [v.account];
    let keyset = "";
    if (v.afterCreatedAt) {
      values.push(v.afterCreatedAt, v.afterTaskId);
      keyset = ` and ((__scheduled_tasks__."created_at", __scheduled_tasks__."task_id") < ($2::"timestamptz", $3::"uuid"))`;
    }
    const offset = typeof v.offset === "number" && v.offset > 0 ? ` offset ${v.offset}` : "";
    const page = await c.query({
      rowMode: "array",
      text: `select __scheduled_tasks__."task_id" as "0", __scheduled_tasks__."name" as "1", to_char(__scheduled_tasks__."created_at", ${TS}) as "2" from "app_public"."scheduled_tasks" as __scheduled_tasks__ where (__scheduled_tasks__."account_id" = $1::"uuid")${keyset} order by __scheduled_tasks__."created_at" desc, __scheduled_tasks__."task_id" desc limit 21${offset};`,
      values,
    });
    const nodes = page.rows.slice(0, 20).map((r) => ({ taskId: r[0], name: r[1], createdAt: r[2] }));
    const last = nodes[nodes.length - 1];
    return {
      allScheduledTasks: {
        nodes,
        pageInfo: {
          endCursor: last ? Buffer.from(JSON.stringify([last.createdAt, last.taskId])).toString("base64") : null,
          hasNextPage: page.rows.length > 20,
        },
      },
    };
  },
  async pause(c, v) {
    const { rows } = await c.query({
      rowMode: "array",
      text: `select __t__."task_id", __t__."status" from "app_public"."pause_task"($1::"uuid") as __t__`,
      values: [v.id],
    });
    return { pauseTask: { result: { taskId: rows[0]![0], status: rows[0]![1] } } };
  },
  async resume(c, v) {
    const { rows } = await c.query({
      rowMode: "array",
      text: `select __t__."task_id", __t__."status" from "app_public"."resume_task"($1::"uuid") as __t__`,
      values: [v.id],
    });
    return { resumeTask: { result: { taskId: rows[0]![0], status: rows[0]![1] } } };
  },
};

function preview(v: Vars) {
  const spec: ScheduleSpec = { scheduleType: "cron", scheduledAt: null, cronExpression: String(v.cron), timezone: String(v.timezone) };
  const now = new Date();
  validateSchedule(spec, { now, minIntervalSeconds: 300 });
  return {
    previewSchedule: {
      description: describeSchedule(spec),
      occurrences: previewOccurrences(spec, now, Number(v.count ?? 5)).map((d) => d.toISOString()),
    },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    void (async () => {
      const route = (req.url ?? "/").slice(1);
      if (route === "healthz") return send(res, 200, { status: "ok" });
      const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
      if (!m) return send(res, 401, { errors: [{ message: "no token" }] });
      let claims;
      try {
        claims = await verify(m[1]!);
      } catch (err) {
        return send(res, 401, { errors: [{ message: err instanceof AuthError ? err.message : "invalid token" }] });
      }
      try {
        const vars = (chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {}) as Vars;
        if (route === "w5") return send(res, 200, { data: preview(vars) });
        const handler = handlers[route];
        if (!handler) return send(res, 404, { errors: [{ message: "no such route" }] });
        const data = await inTransaction(claims, route !== "pause" && route !== "resume", (c) => handler(c, vars));
        send(res, 200, { data });
      } catch (err) {
        send(res, 200, { errors: [{ message: err instanceof Error ? err.message : String(err) }] });
      }
    })();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const a = server.address();
  process.stdout.write(`baseline listening on ${typeof a === "object" && a ? a.port : "?"}\n`);
});
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
