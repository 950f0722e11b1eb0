/**
 * One transaction (and one snapshot, one pooled connection) per GraphQL query operation.
 *
 * Why PostGraphile used two: every SQL step (a connection's page, its `totalCount`, a nested
 * list) calls `context.withPgClient(pgSettings, …)` on its own, and the pg adaptor's
 * `withPgClient` takes a connection from the pool and wraps that one call in
 * `begin; select set_config(…); <query>; commit`. A list with `totalCount` is two steps run
 * concurrently, so two connections and 8 statements, in two READ COMMITTED transactions that may
 * see different data. Nothing in our context callback caused it, and there is no
 * query-vs-mutation setting that changes it: it is how the adaptor is built.
 *
 * This plugin wraps grafast's `execute` for query operations: `context.withPgClient` is
 * replaced by one that, on first use, takes ONE connection, starts
 * `begin isolation level repeatable read, read only` and sets the request's settings (one round
 * trip), then runs every SQL step of the request on that connection, one after the other, and
 * commits when the operation's result is ready. Page and count come from one snapshot; a list
 * request is 5 statements on 1 connection. Operations that run no SQL (previewSchedule) take no
 * connection at all.
 *
 * Mutations keep PostGraphile's own behaviour (each mutation field its own transaction, so a
 * failed second field does not undo the first); subscriptions too (a long-lived operation must
 * not hold a connection). A step whose SQL fails aborts the shared transaction: it is rolled
 * back and the next step starts a fresh one, so one failing field does not fail its siblings.
 */
import type pg from "pg";
import { makeWithPgClientViaPgClientAlreadyInTransaction } from "postgraphile/adaptors/pg";
import { Kind, type DocumentNode } from "postgraphile/graphql";

// The adaptor's WithPgClient type is not exported under a stable path; this is its shape.
type PgClientLike = unknown;
type WithPgClient = (pgSettings: Record<string, string> | null, callback: (client: PgClientLike) => Promise<unknown>) => Promise<unknown>;

/** Counters read by tests and the benchmark. */
export const requestTransactions = { opened: 0, committed: 0, rolledBack: 0 };

const setUp = new WeakSet<pg.PoolClient>();

export function isQueryOperation(document: DocumentNode, operationName: string | null | undefined): boolean {
  let found: string | undefined;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName ? def.name?.value === operationName : found === undefined) found = def.operation;
    else if (!operationName) return false; // several operations and no name: let grafast report it
  }
  return found === "query";
}

class RequestTransaction {
  private client: pg.PoolClient | undefined;
  private inner: WithPgClient | undefined;
  private aborted = false;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly pgSettings: Record<string, string>,
    private readonly fallback: WithPgClient,
  ) {}

  readonly withPgClient: WithPgClient = (pgSettings, callback) => {
    // Only this request's own settings share the transaction; anything else goes the usual way.
    if (pgSettings !== this.pgSettings) return this.fallback(pgSettings, callback);
    const run = this.tail.then(() => this.run(callback));
    this.tail = run.catch(() => undefined);
    return run;
  };

  private async run(callback: (client: PgClientLike) => Promise<unknown>): Promise<unknown> {
    if (!this.client || this.aborted) await this.begin();
    try {
      // null settings: they were set once at `begin`; no savepoint per step.
      return await this.inner!(null, callback);
    } catch (err) {
      this.aborted = true;
      throw err;
    }
  }

  private async begin(): Promise<void> {
    if (!this.client) {
      this.client = await this.pool.connect();
      if (!setUp.has(this.client)) {
        setUp.add(this.client);
        // as @dataplan/pg does for its own connections: JIT optimisation costs more than it saves here
        await this.client.query("set jit_optimize_above_cost = -1");
      }
      this.inner = makeWithPgClientViaPgClientAlreadyInTransaction(this.client, true);
    } else {
      await this.client.query("rollback");
      requestTransactions.rolledBack++;
      this.aborted = false;
    }
    const entries = Object.entries(this.pgSettings).filter(([, v]) => v != null);
    const settings = this.client.escapeLiteral(JSON.stringify(entries));
    // One round trip (simple protocol, two statements); the snapshot is taken by the second.
    await this.client.query(
      `begin isolation level repeatable read, read only; select set_config(el->>0, el->>1, true) from json_array_elements(${settings}::json) el`,
    );
    requestTransactions.opened++;
  }

  async finish(): Promise<void> {
    await this.tail;
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    try {
      if (this.aborted) {
        await client.query("rollback");
        requestTransactions.rolledBack++;
      } else {
        await client.query("commit");
        requestTransactions.committed++;
      }
      client.release();
    } catch (err) {
      client.release(err instanceof Error ? err : true); // a broken connection is not returned to the pool
    }
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === "function";
}

async function* finishingAfter<T>(iterable: AsyncIterable<T>, finish: () => Promise<void>): AsyncGenerator<T> {
  try {
    yield* iterable;
  } finally {
    await finish();
  }
}

export function makeOneTransactionPerQueryPlugin(pool: pg.Pool): GraphileConfig.Plugin {
  return {
    name: "OneTransactionPerQueryPlugin",
    version: "1.0.0",
    description: "Runs all SQL of a query operation in one read-only REPEATABLE READ transaction on one connection",
    grafast: {
      middleware: {
        async execute(next, event) {
          const { args } = event;
          const ctx = args.contextValue as Record<string, unknown> | undefined;
          const fallback = ctx?.withPgClient as WithPgClient | undefined;
          const pgSettings = ctx?.pgSettings as Record<string, string> | undefined;
          if (!ctx || !fallback || !pgSettings || !isQueryOperation(args.document, args.operationName)) return next();
          const tx = new RequestTransaction(pool, pgSettings, fallback);
          ctx.withPgClient = tx.withPgClient;
          let result: Awaited<ReturnType<typeof next>>;
          try {
            result = await next();
          } catch (err) {
            await tx.finish();
            throw err;
          }
          if (isAsyncIterable(result)) return finishingAfter(result, () => tx.finish());
          await tx.finish();
          return result;
        },
      },
    },
  };
}
