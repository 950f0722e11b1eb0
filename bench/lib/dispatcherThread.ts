/**
 * One dispatcher in its own JavaScript thread (worker_threads), with its own connection: two of
 * these behave like two worker processes each running dispatch_due_tasks, so the calendar work
 * (decide()) of two dispatchers can use two cores. Runs the real src/schedule/dispatch.ts dispatchDue.
 */
import { parentPort, Worker, workerData } from "node:worker_threads";
import pg from "pg";
import { dispatchDue, type DispatchOptions, type DispatchResult } from "../../src/schedule/dispatch.js";
import { track } from "./env.js";
import { emptyPhases, timedClient, type PhaseTimes } from "./phases.js";

type ToThread = { type: "run"; opts: DispatchOptions } | { type: "stop" };
type FromThread = { type: "ready" } | { type: "done"; result: DispatchResult; phases: PhaseTimes } | { type: "error"; message: string };

interface ThreadInit {
  url: string;
  name: string;
}

async function threadMain(port: NonNullable<typeof parentPort>, init: ThreadInit): Promise<void> {
  const client = new pg.Client({ connectionString: init.url, application_name: `bench:${init.name}` });
  await client.connect();
  const post = (m: FromThread) => port.postMessage(m);
  port.on("message", (msg: ToThread) => {
    if (msg.type === "stop") {
      void client.end().finally(() => port.close());
      return;
    }
    const phases = emptyPhases();
    const start = performance.now();
    dispatchDue(timedClient(client, phases), msg.opts).then(
      (result) => {
        phases.wall = performance.now() - start;
        post({ type: "done", result, phases });
      },
      (err: unknown) => post({ type: "error", message: err instanceof Error ? err.message : String(err) }),
    );
  });
  post({ type: "ready" });
}

if (parentPort && (workerData as { dispatcherThread?: boolean } | null)?.dispatcherThread) {
  await threadMain(parentPort, workerData as ThreadInit);
}

/** Main-thread handle of a dispatcher thread. */
export class DispatcherThread {
  private pending: { resolve: (v: { result: DispatchResult; phases: PhaseTimes }) => void; reject: (e: Error) => void } | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly close: () => Promise<void>,
  ) {
    worker.on("message", (m: FromThread) => {
      const p = this.pending;
      if (!p) return;
      this.pending = undefined;
      if (m.type === "done") p.resolve({ result: m.result, phases: m.phases });
      else if (m.type === "error") p.reject(new Error(m.message));
    });
    worker.on("error", (err) => {
      this.pending?.reject(err);
      this.pending = undefined;
    });
  }

  static async start(url: string, name: string): Promise<DispatcherThread> {
    const worker = new Worker(new URL(import.meta.url), { workerData: { dispatcherThread: true, url, name } });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromThread) => {
        if (m.type === "ready") {
          worker.off("message", onMessage);
          resolve();
        }
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
    });
    const close = track(`dispatcher thread ${name}`, async () => {
      worker.postMessage({ type: "stop" } satisfies ToThread);
      await Promise.race([new Promise((r) => worker.once("exit", r)), new Promise((r) => setTimeout(r, 3000).unref())]);
      await worker.terminate();
    });
    return new DispatcherThread(worker, close);
  }

  run(opts: DispatchOptions): Promise<{ result: DispatchResult; phases: PhaseTimes }> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ type: "run", opts } satisfies ToThread);
    });
  }
}
