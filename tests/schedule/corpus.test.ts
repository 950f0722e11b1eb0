/**
 * The grammar's evaluation corpus (tests/schedule/corpus.ts, 150+ phrases): each phrase is read in its zone at its
 * `now`, and its next runs (as instants; any spec giving them passes), refusal or ambiguity are compared with the
 * expectation. Accuracy is reported per category; the test fails below 95 % overall, or when a phrase that must be
 * refused or asked about is scheduled instead (never a silent guess).
 */
import { parseScheduleWords } from "../../src/schedule/words.js";
import { CORPUS, type Phrase } from "./corpus.js";

const MIN_INTERVAL_SECONDS = 300;

/** Local wall clock "YYYY-MM-DD HH:MM" in `zone` → the one instant it names (Intl only); "…Z" is already an instant. */
function instant(value: string, zone: string): number {
  if (value.endsWith("Z")) return Date.parse(value);
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(value);
  if (!m) throw new Error(`bad expectation "${value}"`);
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
  const wall = (t: number) => {
    const p = Object.fromEntries(format.formatToParts(t).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  };
  const found = [-14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    .flatMap((hours) => [0, 30, 45].map((minutes) => naive - (hours * 60 + Math.sign(hours || 1) * minutes) * 60_000))
    .filter((t) => wall(t) === naive);
  const unique = [...new Set(found)];
  if (unique.length !== 1) throw new Error(`"${value}" in ${zone} is not one instant (${unique.length}); write it as UTC with Z`);
  return unique[0]!;
}

type Outcome = { ok: boolean; hard: boolean; got: string };

function evaluate(p: Phrase): Outcome {
  const answer = parseScheduleWords(p.text, {
    timezone: p.tz,
    now: new Date(p.now),
    minIntervalSeconds: MIN_INTERVAL_SECONDS,
    count: p.next?.length ?? 1,
  });
  const got =
    answer.status === "ok"
      ? `ok ${answer.occurrences.map((d) => d.toISOString()).join(", ")} (${answer.spec.scheduleType} ${answer.spec.cronExpression ?? ""}, max ${answer.spec.maxExecutions})`
      : answer.status === "refused"
        ? `refused ${answer.refusal}: ${answer.reason}`
        : `ambiguous: ${answer.question}`;
  if (p.refused || p.ambiguous) {
    const ok = p.refused ? answer.status === "refused" && answer.refusal === p.refused : answer.status === "ambiguous";
    // scheduling what should be refused or asked about is a silent guess: always a failure
    return { ok, hard: answer.status === "ok", got };
  }
  if (answer.status !== "ok") return { ok: false, hard: false, got };
  const expected = p.next!.map((v) => instant(v, p.in ?? (answer.spec.timezone !== p.tz ? answer.spec.timezone : p.tz)));
  const occurrences = answer.occurrences.map((d) => d.getTime());
  const ok =
    expected.length === occurrences.length &&
    expected.every((t, i) => t === occurrences[i]) &&
    (p.runs === undefined || answer.spec.maxExecutions === p.runs);
  return { ok, hard: false, got };
}

test("the corpus has at least 150 phrases, with DST crossings in several zones, refusals and ambiguities", () => {
  expect(CORPUS.length).toBeGreaterThanOrEqual(150);
  const dstZones = new Set(CORPUS.filter((p) => p.category === "daylight saving").map((p) => p.tz));
  expect(dstZones.size).toBeGreaterThanOrEqual(5);
  expect(CORPUS.filter((p) => p.refused).length).toBeGreaterThanOrEqual(10);
  expect(CORPUS.filter((p) => p.ambiguous).length).toBeGreaterThanOrEqual(10);
});

test("accuracy per category ≥ 95 % overall; nothing that must be refused or asked about is scheduled", () => {
  const byCategory = new Map<string, { total: number; right: number }>();
  const failures: string[] = [];
  const guesses: string[] = [];
  for (const p of CORPUS) {
    let outcome: Outcome;
    try {
      outcome = evaluate(p);
    } catch (err) {
      outcome = { ok: false, hard: false, got: `threw ${String(err)}` };
    }
    const c = byCategory.get(p.category) ?? { total: 0, right: 0 };
    c.total++;
    if (outcome.ok) c.right++;
    else
      failures.push(
        `[${p.category}] "${p.text}" (${p.tz}, now ${p.now}): expected ${p.refused ? `refused ${p.refused}` : p.ambiguous ? "ambiguous" : p.next!.join(", ")}${p.runs ? ` max ${p.runs}` : ""}; got ${outcome.got}`,
      );
    if (outcome.hard) guesses.push(`"${p.text}": ${outcome.got}`);
    byCategory.set(p.category, c);
  }
  const total = CORPUS.length;
  const right = [...byCategory.values()].reduce((n, c) => n + c.right, 0);
  const report = [
    `schedule grammar corpus: ${right}/${total} = ${((100 * right) / total).toFixed(1)} %`,
    ...[...byCategory.entries()].map(
      ([name, c]) =>
        `  ${name.padEnd(22)} ${String(c.right).padStart(3)}/${String(c.total).padEnd(3)} ${((100 * c.right) / c.total).toFixed(1)} %`,
    ),
    ...(failures.length ? ["failures:", ...failures.map((f) => `  ${f}`)] : []),
  ].join("\n");
  console.log(report);
  expect(guesses).toEqual([]);
  expect(right / total).toBeGreaterThanOrEqual(0.95);
});
