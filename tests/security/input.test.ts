/**
 * Attack catalogue, issue 10 row 11: schedule input that is refused wrongly, echoed back in full, or
 * compared untrimmed.
 */
import crypto from "node:crypto";
import { validateSchedule } from "../../src/schedule/calendar.js";
import type { ApiServer } from "../../src/http/server.js";
import { gql, signToken, startTestServer } from "../helpers/api.js";
import { closePools, superuserPool } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";

let server: ApiServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await signToken({ sub: crypto.randomUUID() });
});
afterAll(async () => {
  await server.close();
  await closePools();
});

const PREVIEW = `query($c: String, $tz: String) { previewSchedule(scheduleType: "cron", cronExpression: $c, timezone: $tz, count: 3) { occurrences } }`;
const now = new Date("2026-01-05T12:00:00Z");
const cron = (cronExpression: string) => ({ scheduleType: "cron" as const, scheduledAt: null, cronExpression, timezone: "UTC" });

test.each<[string, number[]]>([
  ["0 9 * * 0,7", [0]],
  ["0 9 * * SUN,7", [0]],
  ["0 9 * * 7,sun,MON", [0, 1]],
])("Sunday named twice in the day-of-week field (%s) is accepted like 0-7 and 7", async (expr, days) => {
  expect(() => validateSchedule(cron(expr), { now, minIntervalSeconds: 60 })).not.toThrow();
  const res = await gql(server, PREVIEW, { c: expr, tz: "UTC" }, token);
  expect(res.errors).toBeUndefined();
  const seen = (res.data!.previewSchedule.occurrences as string[]).map((at) => new Date(at).getUTCDay());
  expect(seen.length).toBe(3);
  for (const d of seen) expect(days).toContain(d);
});

test("an over-long cron expression is refused without echoing it back", async () => {
  const long = `0 9 * * ${"1,".repeat(5000)}1`;
  const res = await gql(server, PREVIEW, { c: long, tz: "UTC" }, token);
  expect(res.errors?.[0]?.extensions?.code).toBe("ST003");
  expect(res.errors![0]!.message).toMatch(/at most 100 characters/);
  expect(res.errors![0]!.message.length).toBeLessThan(200);
});

test("an over-long time zone is not echoed back either", async () => {
  const res = await gql(server, PREVIEW, { c: "0 9 * * *", tz: "Europe/".padEnd(5000, "x") }, token);
  expect(res.errors?.[0]?.extensions?.code).toBe("ST003");
  expect(res.errors![0]!.message.length).toBeLessThan(300);
});

test("timezone is trimmed like cronExpression (previewSchedule and scheduleTask)", async () => {
  const preview = await gql(server, PREVIEW, { c: " 0 9 * * * ", tz: "  Europe/Paris " }, token);
  expect(preview.errors).toBeUndefined();
  const me = await gql(server, "{ allAccounts { nodes { rowId } } }", {}, token);
  const client = await superuserPool().connect();
  let taskId: string;
  try {
    taskId = (await seedTenant(client, me.data!.allAccounts.nodes[0].rowId)).taskId;
  } finally {
    client.release();
  }
  const res = await gql(
    server,
    `mutation($id: UUID!) { scheduleTask(input: { taskId: $id, scheduleType: "cron", cronExpression: " 0 9 * * * ", timezone: " Europe/Paris " }) { result { timezone cronExpression status } } }`,
    { id: taskId },
    token,
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!.scheduleTask.result).toEqual({ timezone: "Europe/Paris", cronExpression: "0 9 * * *", status: "active" });
});
