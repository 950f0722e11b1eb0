/**
 * Load generation and process measurement for bench/api.ts: autocannon runs with exact
 * per-response latencies (autocannon's own summary has no p95), GraphQL errors counted from the
 * bodies, and the CPU time / RSS of a server process tree read from /proc.
 */
import fs from "node:fs";
import os from "node:os";
import autocannon from "autocannon";
import { percentile } from "./report.js";

export interface LoadRequest {
  path: string;
  /** called with the response (e.g. to hand a W4 task back to the free list) */
  after?: (ctx: ConnCtx) => void;
  /** body for this connection's n-th request */
  body: (ctx: ConnCtx) => string;
  token: (ctx: ConnCtx) => string;
}

/**
 * autocannon's per-connection context; it is reset each time a connection starts the request
 * sequence again, so it only carries state from one request of a sequence to the next.
 */
export interface ConnCtx {
  /** a number taken per sequence (rotates users) */
  seq?: number;
  /** state handed from one request of a sequence to the next (W4's task) */
  task?: { token: string; taskId: string };
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  firstError?: string;
  serverCpuPct: number;
  serverRssMiB: number;
  machineBusyPct: number;
}

function ticksOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return 0;
  }
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The process and its descendants (cluster workers). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!;
    try {
      for (const tid of fs.readdirSync(`/proc/${p}/task`)) {
        const kids = fs.readFileSync(`/proc/${p}/task/${tid}/children`, "utf8").trim();
        if (kids) out.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      /* gone */
    }
  }
  return out;
}

function machineTicks(): { busy: number; total: number } {
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).slice(1).map(Number);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  const total = line.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

const HZ = 100;

export async function runLoad(opts: {
  url: string;
  connections: number;
  durationSec: number;
  request: LoadRequest | LoadRequest[];
  serverPid: number;
}): Promise<LoadResult> {
  const pids = processTree(opts.serverPid);
  const cpu0 = pids.reduce((a, p) => a + ticksOf(p), 0);
  const m0 = machineTicks();
  const t0 = performance.now();
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let nextSeq = 0;
  const sequence = Array.isArray(opts.request) ? opts.request : [opts.request];
  // Without a callback autocannon returns its instance, an EventEmitter that is also a promise of the result.
  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationSec,
    timeout: 30,
    requests: sequence.map((request, i) => ({
      method: "POST" as const,
      setupRequest(req: autocannon.Request, context: object) {
        const ctx = context as ConnCtx;
        if (i === 0) ctx.seq = nextSeq++;
        return {
          ...req,
          path: request.path,
          headers: { "content-type": "application/json", authorization: `Bearer ${request.token(ctx)}` },
          body: request.body(ctx),
        };
      },
      onResponse(status: number, body: string, context: object) {
        if (status !== 200 || body.includes('"errors"')) {
          errors++;
          firstError ??= `${status} ${body.slice(0, 300)}`;
        }
        request.after?.(context);
      },
    })),
  }) as unknown as Promise<autocannon.Result> & {
    on(event: "response", fn: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
  };
  instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result = await instance;
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = pids.reduce((a, p) => a + ticksOf(p), 0);
  const m1 = machineTicks();
  const rss = pids.reduce((a, p) => a + rssOf(p), 0);
  latencies.sort((a, b) => a - b);
  errors += result.errors + result.timeouts;
  return {
    requests: latencies.length,
    rps: latencies.length / opts.durationSec,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
    firstError,
    serverCpuPct: ((cpu1 - cpu0) / HZ / wall) * 100,
    serverRssMiB: rss,
    machineBusyPct: ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 100 * os.cpus().length,
  };
}
