/**
 * The hand-written baseline of bench/api.ts: the least a request must do. node:http, no framework:
 * verify the JWT (the same verifier, with the same verified-token cache, as the API), one
 * transaction on a pooled connection (20, as the API's pool) with `role` = visitor and the claims
 * set (one round trip: `begin; select set_config(…)`), the SQL PostGraphile generates for the
 * workload (bench/api.ts prints both), commit, JSON out. W5 calls src/calendar.ts directly.
 *
 * Routes: POST /w1, /w2, /w3 (offset or cursor), /pause, /resume, /w5 with a JSON body of variables.
 * Env: BASELINE_AUTH_URL, JWT_SECRET, DATABASE_VISITOR, PORT.
 */
import http from "node:http";
import pg from "pg";
import { AuthError, makeVerifier, pgSettingsFor } from "../../src/auth.js";
import { describeSchedule, previewOccurrences, validateSchedule, type ScheduleSpec } from "../../src/calendar.js";

const pool = new pg.Pool({ connectionString: process.env.BASELINE_AUTH_URL, max: 20 });
pool.on("error", () => undefined);
const verify = makeVerifier({ secret: process.env.JWT_SECRET, jwksUrl: undefined, issuer: undefined, audience: undefined });
const visitor = process.env.DATABASE_VISITOR ?? "sat_visitor";

type Vars = Record<string, unknown>;

async function inTransaction<T>(claims: Awaited<ReturnType<typeof verify>>, readOnly: boolean, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
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

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d);

const handlers: Record<string, (c: pg.PoolClient, v: Vars) => Promise<unknown>> = {
  // allScheduledTasks(condition: {status: "active"}, orderBy: NEXT_EXECUTION_AT_ASC, first: 20) { totalCount nodes {…} }
  async w1(c) {
    const page = await c.query(
      `select __t__."task_id", __t__."name", __t__."status", __t__."next_execution_at" from "app_public"."scheduled_tasks" as __t__
        where (__t__."status" = $1::"text") order by __t__."next_execution_at" asc, __t__."task_id" asc limit 21`,
      ["active"],
    );
    const count = await c.query(`select (count(*))::text as "0" from "app_public"."scheduled_tasks" as __t__ where (__t__."status" = $1::"text")`, ["active"]);
    return {
      allScheduledTasks: {
        totalCount: Number(count.rows[0]["0"]),
        nodes: page.rows.slice(0, 20).map((r) => ({ taskId: r.task_id, name: r.name, status: r.status, nextExecutionAt: iso(r.next_execution_at) })),
      },
    };
  },
  // scheduledTaskByTaskId(taskId) { … taskExecutionsByTaskId(orderBy: CREATED_AT_DESC, first: 10) { nodes {…} } }
  async w2(c, v) {
    const task = await c.query(
      `select __t__."task_id", __t__."name", __t__."status", __t__."next_execution_at" from "app_public"."scheduled_tasks" as __t__ where (__t__."task_id" = $1::"uuid")`,
      [v.id],
    );
    const row = task.rows[0];
    if (!row) return { scheduledTaskByTaskId: null };
    const ex = await c.query(
      `select __e__."execution_id", __e__."status", __e__."created_at" from "app_public"."task_executions" as __e__
        where (__e__."task_id" = $1::"uuid") order by __e__."created_at" desc, __e__."execution_id" desc limit 11`,
      [v.id],
    );
    return {
      scheduledTaskByTaskId: {
        taskId: row.task_id, name: row.name, status: row.status, nextExecutionAt: iso(row.next_execution_at),
        taskExecutionsByTaskId: { nodes: ex.rows.slice(0, 10).map((r) => ({ executionId: r.execution_id, status: r.status, createdAt: iso(r.created_at) })) },
      },
    };
  },
  // allScheduledTasks(condition: {accountId}, orderBy: CREATED_AT_DESC, first: 20, offset | after) { nodes {…} pageInfo {…} }
  async w3(c, v) {
    const params: unknown[] = [v.account];
    let keyset = "";
    if (v.afterCreatedAt) {
      params.push(v.afterCreatedAt, v.afterTaskId);
      keyset = ` and ((__t__."created_at", __t__."task_id") < ($2::"timestamptz", $3::"uuid"))`;
    }
    const offset = typeof v.offset === "number" && v.offset > 0 ? ` offset ${v.offset}` : "";
    const page = await c.query(
      `select __t__."task_id", __t__."name", __t__."created_at" from "app_public"."scheduled_tasks" as __t__
        where (__t__."account_id" = $1::"uuid")${keyset} order by __t__."created_at" desc, __t__."task_id" desc limit 21${offset}`,
      params,
    );
    const nodes = page.rows.slice(0, 20).map((r) => ({ taskId: r.task_id, name: r.name, createdAt: iso(r.created_at) }));
    const last = nodes[nodes.length - 1];
    return { allScheduledTasks: { nodes, pageInfo: { endCursor: last ? `${String(last.createdAt)}|${String(last.taskId)}` : null, hasNextPage: page.rows.length > 20 } } };
  },
  async pause(c, v) {
    const { rows } = await c.query(`select __t__."task_id", __t__."status" from "app_public"."pause_task"($1::"uuid") as __t__`, [v.id]);
    return { pauseTask: { result: { taskId: rows[0].task_id, status: rows[0].status } } };
  },
  async resume(c, v) {
    const { rows } = await c.query(`select __t__."task_id", __t__."status" from "app_public"."resume_task"($1::"uuid") as __t__`, [v.id]);
    return { resumeTask: { result: { taskId: rows[0].task_id, status: rows[0].status } } };
  },
};

function preview(v: Vars) {
  const spec: ScheduleSpec = { scheduleType: "cron", scheduledAt: null, cronExpression: String(v.cron), timezone: String(v.timezone) };
  const now = new Date();
  validateSchedule(spec, { now, minIntervalSeconds: 300 });
  return { previewSchedule: { description: describeSchedule(spec), occurrences: previewOccurrences(spec, now, Number(v.count ?? 5)).map((d) => d.toISOString()) } };
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
