/**
 * Request-level performance behaviour of the API:
 * - a query operation runs all its SQL in ONE read-only REPEATABLE READ transaction on ONE pooled
 *   connection (a list and its totalCount from one snapshot; 5 statements, not 8 on 2 connections);
 *   mutations keep one transaction per mutation field; operations without SQL take no connection;
 * - persisted (trusted) operations: a known hash runs, an unknown one is refused, and with
 *   GRAPHQL_PERSISTED_ONLY a document that is not persisted is refused.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import type { ApiServer } from "../../src/http/server.js";
import { loadConfig, ConfigError } from "../../src/config.js";
import { isQueryOperation } from "../../src/graphql/transaction.js";
import { loadPersistedOperations, PersistedOperationsError, sha256Hex } from "../../src/graphql/persisted.js";
import { parse } from "postgraphile/graphql";
import { gql, signToken, startTestServer } from "../helpers/api.js";
import { closePools } from "../helpers/db.js";

let server: ApiServer;
/** Every statement sent on the API's pool, with the connection it went to. */
const statements: Array<{ client: number; text: string }> = [];
let acquires = 0;

beforeAll(async () => {
  server = await startTestServer();
  const ids = new WeakMap<pg.PoolClient, number>();
  let clients = 0;
  server.authPool.on("acquire", (client: pg.PoolClient) => {
    acquires++;
    if (ids.has(client)) return;
    ids.set(client, ++clients);
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      const text = typeof first === "string" ? first : ((first as { text?: string })?.text ?? "");
      statements.push({ client: ids.get(client)!, text });
      return query(...args);
    };
  });
});
afterAll(async () => {
  await server.close();
  await closePools();
});

async function newUser() {
  const sub = crypto.randomUUID();
  const token = await signToken({ sub });
  const res = await gql(server, "{ allAccounts { nodes { rowId personalAccount } } }", {}, token);
  expect(res.errors).toBeUndefined();
  return { token, accountId: res.data!.allAccounts.nodes[0].rowId as string };
}

function record<T>(fn: () => Promise<T>) {
  return async () => {
    statements.length = 0;
    acquires = 0;
    const result = await fn();
    return { result, statements: [...statements], acquires };
  };
}

test("a list and its totalCount: one connection, one read-only repeatable-read transaction, 5 statements", async () => {
  const u = await newUser();
  for (const name of ["one", "two", "three"]) {
    const r = await gql(
      server,
      `mutation($n: String!) { createThread(input: { thread: { title: $n } }) { thread { threadId } } }`,
      { n: name },
      u.token,
    );
    expect(r.errors).toBeUndefined();
  }
  const {
    result,
    statements: sql,
    acquires: n,
  } = await record(() => gql(server, `{ allThreads(first: 2) { totalCount nodes { title } } }`, {}, u.token))();
  expect(result.errors).toBeUndefined();
  expect(result.data!.allThreads.totalCount).toBe(3);
  expect(result.data!.allThreads.nodes).toHaveLength(2);
  expect(n).toBe(1);
  expect(new Set(sql.map((s) => s.client)).size).toBe(1);
  // [begin …; set_config] (one round trip, two statements), page, count, commit
  expect(sql).toHaveLength(4);
  expect(sql[0]!.text).toMatch(/^begin isolation level repeatable read, read only; select set_config/);
  expect(sql.filter((s) => /count\(\*\)/i.test(s.text))).toHaveLength(1);
  expect(sql[3]!.text).toBe("commit");
});

test("nested lists of one query share the transaction too; a query without SQL takes no connection", async () => {
  const u = await newUser();
  const {
    result,
    acquires: n,
    statements: sql,
  } = await record(() =>
    gql(
      server,
      `{ allAccounts { totalCount nodes { rowId } } allThreads { totalCount } allScheduledTasks(first: 5) { totalCount nodes { taskId } } }`,
      {},
      u.token,
    ),
  )();
  expect(result.errors).toBeUndefined();
  expect(n).toBe(1);
  expect(sql.filter((s) => /^begin/.test(s.text))).toHaveLength(1);
  const preview = await record(() =>
    gql(
      server,
      `{ previewSchedule(scheduleType: "cron", cronExpression: "0 9 * * *", timezone: "Europe/London", count: 2) { occurrences } }`,
      {},
      u.token,
    ),
  )();
  expect(preview.result.errors).toBeUndefined();
  expect(preview.acquires).toBe(0);
});

test("mutations keep a transaction of their own (read-write, read committed)", async () => {
  const u = await newUser();
  const { result, statements: sql } = await record(() =>
    gql(server, `mutation { createThread(input: { thread: { title: "m" } }) { thread { title } } }`, {}, u.token),
  )();
  expect(result.errors).toBeUndefined();
  expect(result.data!.createThread.thread.title).toBe("m");
  expect(sql.some((s) => /repeatable read/.test(s.text))).toBe(false);
  expect(sql.map((s) => s.text)).toContain("begin");
});

test("the API's connections never use generic plans for PostGraphile's prepared statements", async () => {
  const { rows } = await server.authPool.query("show plan_cache_mode");
  expect(rows[0].plan_cache_mode).toBe("force_custom_plan");
});

test("isQueryOperation picks the named operation", () => {
  const doc = parse(`query A { __typename } mutation B { __typename }`);
  expect(isQueryOperation(doc, "A")).toBe(true);
  expect(isQueryOperation(doc, "B")).toBe(false);
  expect(isQueryOperation(doc, undefined)).toBe(false);
  expect(isQueryOperation(parse(`{ __typename }`), undefined)).toBe(true);
  expect(isQueryOperation(parse(`subscription { __typename }`), undefined)).toBe(false);
});

describe("persisted operations", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "persisted-"));
  const document = `query MyThreads { allThreads(first: 5) { totalCount } }`;
  const hash = sha256Hex(document);
  fs.writeFileSync(path.join(dir, `${hash}.graphql`), document);

  async function post(s: ApiServer, body: Record<string, unknown>, token: string) {
    const res = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string }> } };
  }

  test("only persisted: a known hash runs; an unknown hash and a raw document are refused", async () => {
    const only = await startTestServer({ GRAPHQL_PERSISTED_OPERATIONS: dir, GRAPHQL_PERSISTED_ONLY: "true" });
    try {
      const token = await signToken({ sub: crypto.randomUUID() });
      for (const body of [{ documentId: hash }, { id: hash }, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }]) {
        const ok = await post(only, body, token);
        expect(ok.status).toBe(200);
        expect(ok.body).toEqual({ data: { allThreads: { totalCount: 0 } } });
      }
      const unknown = await post(only, { documentId: sha256Hex("query X { __typename }") }, token);
      expect(unknown.status).toBe(400);
      expect(unknown.body.data).toBeUndefined();
      const raw = await post(only, { query: document }, token);
      expect(raw.status).toBe(400);
      expect(raw.body.errors?.[0]?.message).toMatch(/approved document id/);
    } finally {
      await only.close();
    }
  });

  test("persisted allowed alongside ad-hoc documents when GRAPHQL_PERSISTED_ONLY is off", async () => {
    const both = await startTestServer({ GRAPHQL_PERSISTED_OPERATIONS: dir });
    try {
      const token = await signToken({ sub: crypto.randomUUID() });
      expect((await post(both, { documentId: hash }, token)).body).toEqual({ data: { allThreads: { totalCount: 0 } } });
      expect((await post(both, { query: "{ allThreads { totalCount } }" }, token)).body).toEqual({
        data: { allThreads: { totalCount: 0 } },
      });
    } finally {
      await both.close();
    }
  });

  test("a file whose name is not the hash of its content, or ONLY without a directory, stops start-up", () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), "persisted-bad-"));
    fs.writeFileSync(path.join(bad, `${"0".repeat(64)}.graphql`), document);
    expect(() => loadPersistedOperations(bad)).toThrow(PersistedOperationsError);
    expect(() => loadPersistedOperations(bad)).toThrow(new RegExp(`${hash}\\.graphql`));
    expect(() => loadConfig({ GRAPHQL_PERSISTED_ONLY: "true" })).toThrow(ConfigError);
  });
});
