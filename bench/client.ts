/**
 * bench:client — what sending a herd of model requests costs the worker's event loop, without the database: N streaming
 * chat-completions requests sent at once to the loopback model (bench/lib/modelServer.ts, its own process), through the
 * run stage's OpenAI client (src/llm/openaiClient.ts) and through plain fetch, on new connections ("cold", a herd after a
 * quiet spell) and on connections kept alive from a previous wave ("warm"). Reports when the model received them (after
 * the send began) and the client's CPU per request: the part of bench:runs' "model request received" no database
 * change can remove.
 *   npm run bench:client            (BENCH_CLIENT_N, default 1000)
 */
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { PROJECT_ROOT } from "../src/config.js";
import { makeOpenAIClient } from "../src/llm/openaiClient.js";
import { loadLine, machineInfo } from "./lib/env.js";
import { ms, Report, stats } from "./lib/report.js";

const N = Number(process.env.BENCH_CLIENT_N ?? 1000);
const report = new Report();

const model = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "bench/lib/modelServer.ts")], {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, MODEL_LATENCY_MS: "3000" },
});
const url = `http://127.0.0.1:${JSON.parse(await new Promise<string>((r) => readline.createInterface({ input: model.stdout }).once("line", r))).port}`;
const client = makeOpenAIClient({ apiKey: "sk-bench", baseURL: `${url}/v1`, timeoutMs: 600_000, maxRetries: 0 });

const control = (body: object) => fetch(`${url}/control`, { method: "POST", body: JSON.stringify(body) });
const viaSdk = async (i: number) => {
  const stream = await client.chat.completions.create({
    model: "bench-model",
    messages: [{ role: "user", content: `request ${i}` }],
    max_tokens: 100,
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const chunk of stream) void chunk;
};
const viaFetch = async (i: number) => {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
    body: JSON.stringify({ model: "bench-model", messages: [{ role: "user", content: `request ${i}` }], stream: true }),
  });
  await res.text();
};

/** One wave of N requests at once; arrivals after the send began, and the client's CPU until the last one arrived. */
async function wave(send: (i: number) => Promise<void>) {
  await control({ reset: true });
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const done = Array.from({ length: N }, (_, i) => send(i));
  let arrivals: number[];
  for (;;) {
    await new Promise((r) => setTimeout(r, 25));
    arrivals = ((await (await fetch(`${url}/stats`)).json()) as { arrivals: number[] }).arrivals;
    if (arrivals.length >= N) break;
  }
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(done);
  return { arrived: stats(arrivals.map((t) => t - t0)), cpuPerRequestMs: (cpu.user + cpu.system) / 1000 / N };
}

report.line("bench:client — sending a herd of streaming model requests from one event loop (see bench/client.ts)");
for (const l of machineInfo()) report.line(`  ${l}`);
report.line(`  ${N} requests at once; loopback model in its own process (answers after 3 s); ${os.cpus().length} CPUs`);
report.line(loadLine());
const rows: Array<[string, ReturnType<typeof stats>, number]> = [];
const sdkCold = await wave(viaSdk);
rows.push(["OpenAI SDK, new connections", sdkCold.arrived, sdkCold.cpuPerRequestMs]);
const sdkWarm = await wave(viaSdk); // the first wave's connections are kept alive
rows.push(["OpenAI SDK, kept-alive connections", sdkWarm.arrived, sdkWarm.cpuPerRequestMs]);
await new Promise((r) => setTimeout(r, 5000)); // let the kept-alive connections time out (undici: 4 s)
const fetchCold = await wave(viaFetch);
rows.push(["plain fetch, new connections", fetchCold.arrived, fetchCold.cpuPerRequestMs]);
report.table(
  ["client", "received p50", "p99", "max", "client CPU per request"],
  rows.map(([name, s, cpu]) => [name, ms(s.p50), ms(s.p99), ms(s.max), `${cpu.toFixed(2)} ms`]),
);
report.line(
  `  so ${N} requests need about ${Math.round(sdkCold.cpuPerRequestMs * N)} ms of one core in the worker alone (new connections), before the model's own share`,
);
report.write(path.join(PROJECT_ROOT, process.env.BENCH_RESULTS_FILE ?? "bench/results/client.txt"));
model.kill();
process.exit(0);
