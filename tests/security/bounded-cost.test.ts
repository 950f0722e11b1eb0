/**
 * Issue 18, row 1: the cost limit counts what actually runs. Page sizes given through variables,
 * a variable's default, or no first/last at all (the default page size) count like literal ones,
 * so the nested messages query of the attack is refused before it reads a row — over HTTP and
 * over the websocket, with aliases and fragments too.
 */
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import type { ApiServer } from "../../src/http/server.js";
import { gql, startTestServer } from "../helpers/api.js";
import { closePools, superuserPool } from "../helpers/db.js";
import { apiUser, createThreadWithMessages } from "../helpers/flows.js";

let server: ApiServer;
let token: string;
let threadId: string;
beforeAll(async () => {
  server = await startTestServer();
  ({ token } = await apiUser());
  ({ threadId } = await createThreadWithMessages(server, token, [["user", "hello"]]));
  // 40 messages in one thread (as root: 40 API round trips would only slow the test down).
  await superuserPool().query(
    "insert into app_public.messages (thread_id, role, content) select $1, 'user', 'message ' || i from generate_series(2, 40) i",
    [threadId],
  );
});
afterAll(async () => {
  await server.close();
  await closePools();
});

const NESTED = (arg: string) =>
  `{ nodes { threadByThreadId { messagesByThreadId${arg} { nodes { threadByThreadId { messagesByThreadId${arg} { nodes { content } } } } } } } }`;
const WITH_VARIABLE = `query($n: Int) { allMessages(first: $n) ${NESTED("(first: $n)")} }`;
const WITHOUT_FIRST = `{ allMessages ${NESTED("")} }`;

function costRefusal(res: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }) {
  const error = res.errors?.find((e) => e.extensions?.limit === "GRAPHQL_MAX_COST");
  expect(error?.extensions).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "GRAPHQL_MAX_COST", max: 50000 });
  return error!;
}

test("the attack's nested query with first: $n (n = 40) is refused before it runs, in well under a second", async () => {
  const started = Date.now();
  const res = await gql(server, WITH_VARIABLE, { n: 40 }, token);
  const ms = Date.now() - started;
  expect(res.data?.allMessages ?? null).toBeNull();
  expect(costRefusal(res).message).toMatch(/^Query Cost limit of 50000 exceeded, found [\d.]+\./);
  expect(ms).toBeLessThan(500);
  // The same query with n = 2 is cheap and runs: the data the attack would have multiplied exists.
  const small = await gql(server, WITH_VARIABLE, { n: 2 }, token);
  expect(small.errors).toBeUndefined();
  expect(small.data!.allMessages.nodes).toHaveLength(2);
});

test("the same query with no first at all (the default page size, 100) is refused with a 400 at validation", async () => {
  const started = Date.now();
  const res = await gql(server, WITHOUT_FIRST, {}, token);
  expect(res.status).toBe(400);
  expect(res.data).toBeUndefined();
  expect(costRefusal(res).message).toMatch(/found [\d.]+\. Split the request/);
  expect(Date.now() - started).toBeLessThan(500);
});

test("a variable left out, null, or taken from the variable's default counts as the page it gives", async () => {
  for (const [query, variables] of [
    [WITH_VARIABLE, {}],
    [WITH_VARIABLE, { n: null }],
    [`query($n: Int = 40) { allMessages(first: $n) ${NESTED("(first: $n)")} }`, {}],
    [`query($n: Int = 2) { allMessages(first: $n) ${NESTED("(first: $n)")} }`, { n: 1000 }],
    [`query($n: Int) { allMessages(last: $n) ${NESTED("(last: $n)")} }`, { n: 40 }],
  ] as const) {
    const res = await gql(server, query, variables, token);
    expect(res.data?.allMessages ?? null).toBeNull();
    costRefusal(res);
  }
});

test("fragments and aliases are counted with the variables' values too", async () => {
  const query = `query($n: Int) {
    a: allMessages(first: $n) { ...M }
    b: allMessages(first: 1) { nodes { content } }
  }
  fragment M on MessageConnection { nodes { ... on Message { threadByThreadId { messagesByThreadId(first: $n) { nodes { content } } } } } }`;
  const refused = await gql(server, query, { n: 40 }, token);
  costRefusal(refused);
  const fine = await gql(server, query, { n: 2 }, token);
  expect(fine.errors).toBeUndefined();
  expect(fine.data!.a.nodes).toHaveLength(2);
});

test("over the websocket the variable's value is counted just the same", async () => {
  const client = createClient({
    url: `${server.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: true,
    retryAttempts: 0,
  });
  try {
    const result = await new Promise<{ data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>(
      (resolve, reject) => {
        let last: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } = {};
        client.subscribe(
          { query: WITH_VARIABLE, variables: { n: 40 } },
          {
            next: (value) => void (last = value as typeof last),
            error: (err) => resolve({ errors: Array.isArray(err) ? (err as never) : [{ message: String(err) }] }),
            complete: () => resolve(last),
          },
        );
        setTimeout(() => reject(new Error("no answer over the websocket")), 5000).unref();
      },
    );
    expect(result.data ?? null).toBeNull();
    costRefusal(result);
  } finally {
    await client.dispose();
  }
});
