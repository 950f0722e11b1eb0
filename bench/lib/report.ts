/**
 * Output for the benchmark: every figure goes to stdout and into a buffer that is written to the
 * results file at the end; progress notes go to stderr only (they are not results).
 */
import fs from "node:fs";
import path from "node:path";

const started = performance.now();

export function progress(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench +${s}s] ${message}\n`);
}

export function elapsedSeconds(): number {
  return (performance.now() - started) / 1000;
}

export type Cell = string | number;

export class Report {
  readonly lines: string[] = [];

  line(text = ""): void {
    this.lines.push(text);
    process.stdout.write(text + "\n");
  }

  section(title: string): void {
    this.line();
    this.line(title);
    this.line("=".repeat(title.length));
  }

  note(text: string): void {
    this.line(`  note: ${text}`);
  }

  /** A plain-text table; numbers are right-aligned, text left-aligned. */
  table(headers: string[], rows: Cell[][]): void {
    const cells = rows.map((r) => r.map((c) => (typeof c === "number" ? fmtNum(c) : c)));
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
    const numeric = headers.map(
      (_, i) =>
        rows.length > 0 &&
        rows.every((r) => typeof r[i] === "number" || /^[-+]?[\d,.]+( ?[a-z%/]+)?$|^[\d.]+x$|^n\/a$|^-$/.test(String(r[i] ?? ""))),
    );
    const fmtRow = (r: string[]) =>
      "  " +
      r
        .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd();
    this.line(fmtRow(headers));
    this.line("  " + widths.map((w) => "-".repeat(w)).join("  "));
    for (const r of cells) this.line(fmtRow(r));
  }

  write(file: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, this.lines.join("\n") + "\n");
  }
}

/** Thousands separators; up to 2 decimals for small numbers, none for large ones. */
export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  const abs = Math.abs(n);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : 2;
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(n: number): string {
  return `${fmtNum(n)} ms`;
}

export function rate(n: number): string {
  return `${fmtNum(n)} /s`;
}

export interface Stats {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    n: s.length,
    min: s[0] ?? Number.NaN,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? Number.NaN,
    mean: s.length ? sum / s.length : Number.NaN,
  };
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function passMiss(ok: boolean): string {
  return ok ? "PASS" : "MISS";
}

/** ours/peer, printed as e.g. "12.3x". */
export function ratio(ours: number, peer: number): string {
  if (!Number.isFinite(ours) || !Number.isFinite(peer) || peer === 0) return "n/a";
  const r = ours / peer;
  return `${r >= 100 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toFixed(3)}x`;
}

/** The end of a benchmark: the finish line, every tracked resource closed, the results written. */
export async function finishReport(report: Report, file: string, closeAll: () => Promise<void>, shownAs: string): Promise<void> {
  report.line();
  report.line(`finished ${new Date().toISOString()}`);
  progress("cleaning up");
  await closeAll();
  report.write(file);
  progress(`results written to ${shownAs}`);
}
