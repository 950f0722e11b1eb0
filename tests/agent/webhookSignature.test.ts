import { createHmac } from "node:crypto";
import { SIGNATURE_HEADER, signPayload, verifySignature } from "../../src/agent/webhookSignature.js";

const SECRET = "whsec_test_0123456789";
const BODY = JSON.stringify({ executionId: "e1", status: "completed", finalAnswer: "5" });
const NOW = 1_750_000_000;

test("header name and format: t=<seconds>,v1=<hex hmac-sha256 of `${t}.${body}`>", () => {
  expect(SIGNATURE_HEADER).toBe("x-agent-signature");
  const header = signPayload(SECRET, BODY, NOW);
  const expected = createHmac("sha256", SECRET).update(`${NOW}.${BODY}`).digest("hex");
  expect(header).toBe(`t=${NOW},v1=${expected}`);
  expect(signPayload(SECRET, BODY)).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
});

test("sign → verify round trip", () => {
  expect(verifySignature(SECRET, BODY, signPayload(SECRET, BODY, NOW), { nowSeconds: NOW + 10 })).toEqual({ ok: true });
  expect(verifySignature(SECRET, BODY, signPayload(SECRET, BODY))).toEqual({ ok: true });
  // extra schemes are ignored; any matching v1 (secret rotation) is enough
  const header = `${signPayload("old-secret", BODY, NOW)},v0=abc,v1=${signPayload(SECRET, BODY, NOW).split("v1=")[1]}`;
  expect(verifySignature(SECRET, BODY, header, { nowSeconds: NOW })).toEqual({ ok: true });
});

test("tampered body or wrong secret → signature mismatch", () => {
  const header = signPayload(SECRET, BODY, NOW);
  expect(verifySignature(SECRET, BODY.replace('"5"', '"6"'), header, { nowSeconds: NOW })).toEqual({
    ok: false,
    reason: "signature mismatch",
  });
  expect(verifySignature("another-secret", BODY, header, { nowSeconds: NOW })).toEqual({ ok: false, reason: "signature mismatch" });
  // re-stamping a captured signature with a fresh timestamp does not work: the timestamp is signed
  const sig = header.split("v1=")[1];
  expect(verifySignature(SECRET, BODY, `t=${NOW + 100},v1=${sig}`, { nowSeconds: NOW + 100 })).toEqual({
    ok: false,
    reason: "signature mismatch",
  });
});

test("stale or future timestamps beyond the tolerance are rejected", () => {
  const header = signPayload(SECRET, BODY, NOW);
  expect(verifySignature(SECRET, BODY, header, { nowSeconds: NOW + 300 })).toEqual({ ok: true });
  expect(verifySignature(SECRET, BODY, header, { nowSeconds: NOW + 301 })).toMatchObject({
    ok: false,
    reason: expect.stringMatching(/too old/),
  });
  expect(verifySignature(SECRET, BODY, header, { nowSeconds: NOW - 301 })).toMatchObject({
    ok: false,
    reason: expect.stringMatching(/future/),
  });
  expect(verifySignature(SECRET, BODY, header, { nowSeconds: NOW + 50, toleranceSeconds: 30 })).toMatchObject({ ok: false });
});

test.each([
  [undefined, /missing/],
  ["", /missing/],
  ["garbage", /malformed/],
  ["v1=" + "a".repeat(64), /no timestamp/],
  [`t=${NOW}`, /no v1/],
  [`t=abc,v1=${"a".repeat(64)}`, /malformed/],
  [`t=${NOW},t=${NOW},v1=${"a".repeat(64)}`, /malformed/],
  [`t=${NOW},v1=xyz`, /malformed/],
  [`t=${NOW},v1=${"a".repeat(63)}`, /malformed/],
  [`t=${NOW},v1=${"a".repeat(5000)}`, /malformed/],
])("malformed header %p", (header, reason) => {
  const res = verifySignature(SECRET, BODY, header, { nowSeconds: NOW });
  expect(res.ok).toBe(false);
  expect(res.ok ? "" : res.reason).toMatch(reason);
});

test("an empty secret never verifies and cannot sign", () => {
  expect(verifySignature("", BODY, signPayload(SECRET, BODY, NOW), { nowSeconds: NOW })).toMatchObject({ ok: false });
  expect(() => signPayload("", BODY)).toThrow(/secret/);
});
