/** The embedded server's log is a ring: the newest lines, oldest first, never more than its capacity. */
import { LogRing } from "../../src/db/embedded.js";

test("keeps the last N lines in order", () => {
  const ring = new LogRing(3);
  expect(ring.lines()).toEqual([]);
  ring.push("a");
  ring.push("b");
  expect(ring.lines()).toEqual(["a", "b"]);
  for (const line of ["c", "d", "e", "f", "g"]) ring.push(line);
  expect(ring.lines()).toEqual(["e", "f", "g"]);
  expect(ring.lines(2)).toEqual(["f", "g"]);
  expect(ring.lines(10)).toEqual(["e", "f", "g"]);
  expect(ring.lines(0)).toEqual([]);
});

test("memory stays bounded however much is logged", () => {
  const ring = new LogRing(200);
  for (let i = 0; i < 100_000; i++) ring.push(`line ${i}`);
  const lines = ring.lines();
  expect(lines).toHaveLength(200);
  expect(lines[0]).toBe("line 99800");
  expect(lines.at(-1)).toBe("line 99999");
});
