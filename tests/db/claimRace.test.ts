/**
 * Several worker processes claiming at the same time (app_private.claim_runs on separate connections, committed data):
 * no run is handed to two claimers, every due run is claimed exactly once, and the limits hold at every moment — each
 * paying owner's plan cap (plan_limits.max_concurrent_executions, over all accounts the user is primary owner of; a
 * run holds a slot while running, or while pending with a lease_owner: reserved ahead of its second) and the model
 * provider's max_concurrent (running runs of that provider).
 *
 * Four claimers loop claim → finish a random part of what they hold, until every run is done; a fifth connection
 * samples the holders meanwhile (one statement: one snapshot). The first claims (40 runs each, all at once) are waited
 * for before anyone finishes: with the provider limited, together they must have taken exactly its limit.
 *
 * Each claimer also checks its own view right after a claim returns: the ids every claimer holds in this process. That
 * view never over-counts: an id enters it after its claim committed and leaves it before its finish is sent, so it is a
 * subset of what the database holds at that moment. Every run here is due when claimed, so a claimed run is running
 * (not reserved ahead): the view counts every held id against the provider limit too.
 *
 * The caps and the provider limit are chosen so both bind (sum of the caps 120 > provider limit 60; 400 runs). The race
 * runs twice: with that provider limit (claims of a limited provider take turns on it), and with a provider that has no
 * limit (no shared lock: only the per-owner locks and row locks keep the caps). Plans, providers and rows are committed
 * in this file's own database (tests/helpers/databaseEnvironment.js), so no other test file sees them.
 */
import pg from "pg";
import { closePools, createUser, superuserPool } from "../helpers/db.js";

afterAll(closePools);

const PROVIDER_LIMIT = 60;
const CAPS: Record<string, number> = { free: 2, pro: 3, enterprise: 5 };
const OWNERS = 40;
const RUNS_PER_OWNER = 10;
const CLAIMERS = 4;
const DEADLINE_MS = 15_000;

/** A small seeded PRNG (mulberry32): the race differs by timing, not by the sequence of random choices. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seeded {
  ownerOf: Map<string, string>; // execution_id -> owner user id
  capOf: Map<string, number>; // owner user id -> plan cap
  total: number;
}

/**
 * 40 owners in four shapes (10 each): free + a pro team account (cap 3, 2 accounts), free + a free team account
 * (cap 2, 2 accounts), enterprise alone (cap 5), free alone (cap 2). 10 due runs per owner, one task each (allow_all:
 * no overlap decisions), due within the last two minutes.
 */
async function seed(root: pg.Pool, provider: string, providerLimit: number | null): Promise<Seeded> {
  // what an earlier race of this file left live (it failed half-way) must not be claimed in this one
  await root.query(
    "update app_public.task_executions set status = 'cancelled', completed_at = now(), lease_owner = null where status in ('pending', 'running')",
  );
  for (const [plan, cap] of Object.entries(CAPS)) {
    await root.query("update app_private.plan_limits set max_concurrent_executions = $2 where plan = $1", [plan, cap]);
  }
  if (providerLimit !== null) {
    await root.query("insert into app_private.model_providers (provider, max_concurrent) values ($1, $2)", [provider, providerLimit]);
  }
  const accounts: Array<{ accountId: string; runs: number }> = [];
  const c = await root.connect();
  try {
    for (let i = 0; i < OWNERS; i++) {
      await c.query("begin");
      const owner = await createUser(c);
      const shape = i % 4;
      if (shape === 2) await c.query("update app_public.accounts set plan = 'enterprise' where id = $1", [owner.personalAccountId]);
      if (shape === 0 || shape === 1) {
        const { rows } = await c.query(
          "insert into app_public.accounts (name, primary_owner_user_id, personal_account, plan) values ('Team', $1, false, $2) returning id",
          [owner.id, shape === 0 ? "pro" : "free"],
        );
        await c.query("insert into app_public.account_memberships (account_id, user_id, account_role) values ($1, $2, 'owner')", [
          rows[0].id,
          owner.id,
        ]);
        accounts.push({ accountId: owner.personalAccountId, runs: 4 }, { accountId: rows[0].id, runs: RUNS_PER_OWNER - 4 });
      } else {
        accounts.push({ accountId: owner.personalAccountId, runs: RUNS_PER_OWNER });
      }
      await c.query("commit");
    }
    const { rows: runs } = await c.query(
      `with acc as (select * from unnest($1::uuid[], $2::int[]) as x(account_id, n)),
       th as (
         insert into app_public.threads (account_id, title) select acc.account_id, 'race' from acc, generate_series(1, acc.n)
         returning thread_id, account_id
       ), t as (
         insert into app_public.scheduled_tasks (account_id, source_thread_id, name, generated_prompt, original_messages, prompt_status,
                                                 prompt_source, overlap_policy)
         select th.account_id, th.thread_id, 'race', 'Report in one line.', '[]', 'ready', 'offline', 'allow_all' from th
         returning task_id, account_id
       ), e as (
         insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for)
         select t.task_id, t.account_id, 'pending', 'schedule', now() - interval '1 minute' - random() * interval '1 minute' from t
         returning execution_id, account_id
       )
       select e.execution_id, a.primary_owner_user_id as owner_id from e join app_public.accounts a on a.id = e.account_id`,
      [accounts.map((a) => a.accountId), accounts.map((a) => a.runs)],
    );
    // the cap that applies to each owner, from the rule itself: the highest-tier plan among the accounts they own
    const { rows: caps } = await c.query(
      `select distinct on (a.primary_owner_user_id) a.primary_owner_user_id as owner_id, l.max_concurrent_executions as cap
         from app_public.accounts a join app_private.plan_limits l on l.plan = a.plan
        where a.primary_owner_user_id = any($1::uuid[])
        order by a.primary_owner_user_id, l.tier desc, l.plan`,
      [[...new Set(runs.map((r) => r.owner_id as string))]],
    );
    await c.query("analyze app_public.task_executions");
    return {
      ownerOf: new Map(runs.map((r) => [r.execution_id as string, r.owner_id as string])),
      capOf: new Map(caps.map((r) => [r.owner_id as string, r.cap as number])),
      total: runs.length,
    };
  } finally {
    c.release();
  }
}

test.each([
  { provider: "test-provider-race-limited", limit: PROVIDER_LIMIT },
  { provider: "test-provider-race-unlimited", limit: null },
])(
  "four claimers racing (provider limit $limit): every run claimed exactly once, never by two at a time, caps hold throughout",
  async ({ provider, limit }) => {
    const root = superuserPool();
    const { ownerOf, capOf, total } = await seed(root, provider, limit);
    expect(total).toBe(OWNERS * RUNS_PER_OWNER);
    expect([...capOf.values()].sort()).toEqual([...Array(20).fill(2), ...Array(10).fill(3), ...Array(10).fill(5)].sort());

    const violations: string[] = [];
    const held = new Map<string, string>(); // execution_id -> the claimer holding it (this process's view)
    const claimedTimes = new Map<string, number>();
    let finished = 0;
    let claimCalls = 0;
    let samples = 0;
    const maxima = { provider: 0, ownersAtCap: new Set<string>() };
    let firstRoundHeld = -1;
    let firstRoundClaims = 0;
    let releaseFirstRound = () => {};
    const firstRound = new Promise<void>((resolve) => (releaseFirstRound = resolve));
    const deadline = Date.now() + DEADLINE_MS;
    let failed = false; // a claim, finish or sample raised an error: every loop stops
    const racing = () => finished < total && Date.now() < deadline && violations.length < 20 && !failed;
    const fail = (who: string, err: unknown) => {
      const e = err as Error & { code?: string };
      violations.push(`${who}: ${e.code ?? ""} ${e.message}`);
      failed = true;
      releaseFirstRound();
    };

    const checkHeld = (owners: Map<string, number>, providerRunning: number, where: string) => {
      for (const [owner, n] of owners) {
        const cap = capOf.get(owner)!;
        if (n > cap) violations.push(`${where}: owner ${owner} holds ${n} slots, plan cap ${cap}`);
        if (n >= cap) maxima.ownersAtCap.add(owner);
      }
      if (limit !== null && providerRunning > limit)
        violations.push(`${where}: ${providerRunning} running for the provider, limit ${limit}`);
      maxima.provider = Math.max(maxima.provider, providerRunning);
    };

    // every id this process knows to be held, by owner: a subset of what the database holds right now
    const checkView = (where: string) => {
      const owners = new Map<string, number>();
      for (const id of held.keys()) owners.set(ownerOf.get(id)!, (owners.get(ownerOf.get(id)!) ?? 0) + 1);
      checkHeld(owners, held.size, where);
    };

    const connect = async () => {
      const c = new pg.Client({ connectionString: process.env.TEST_SUPERUSER_URL });
      await c.connect();
      return c;
    };

    const claimer = async (worker: string, seedNo: number) => {
      const rnd = prng(seedNo);
      const c = await connect();
      const mine = new Map<string, number>(); // execution_id -> lease epoch of my claim
      try {
        await c.query("select app_private.heartbeat_run_worker($1, 1000, $2, 120)", [worker, provider]);
        for (let round = 1; racing(); round++) {
          const max = round === 1 ? 40 : 1 + Math.floor(rnd() * 40);
          const { rows } = await c.query("select app_private.claim_runs($1, $2, $3) as r", [worker, max, provider]);
          const r = rows[0].r as { ids: string[]; epochs: Array<number | string>; waiting_reason: string | null };
          claimCalls++;
          if (r.ids.length > max) violations.push(`${worker} asked for ${max} runs and got ${r.ids.length}`);
          r.ids.forEach((id, i) => {
            if (!ownerOf.has(id)) violations.push(`${worker} claimed ${id}, not a seeded run`);
            const other = held.get(id);
            if (other !== undefined) violations.push(`${worker} claimed ${id} while ${other} holds it`);
            claimedTimes.set(id, (claimedTimes.get(id) ?? 0) + 1);
            held.set(id, worker);
            mine.set(id, Number(r.epochs[i]));
          });
          checkView(`after ${worker}'s claim`);
          if (round === 1) {
            // nothing is finished until every claimer's first claim is back
            if (++firstRoundClaims === CLAIMERS) {
              firstRoundHeld = held.size;
              releaseFirstRound();
            }
            await firstRound;
          }
          // finish about a quarter of what it holds; the slots free up and claiming goes on
          const done = [...mine.keys()].filter(() => rnd() < 0.25).sort();
          if (done.length === 0) continue;
          const epochs = done.map((id) => mine.get(id)!);
          for (const id of done) {
            mine.delete(id);
            held.delete(id); // before the finish is sent: the view never counts a slot the database already freed
          }
          const { rows: ends } = await c.query(
            `select x.id, app_private.finish_execution(x.id, 'completed', '{}'::jsonb, null, x.epoch) as ok
             from unnest($1::uuid[], $2::bigint[]) with ordinality as x(id, epoch, n) order by x.n`,
            [done, epochs],
          );
          for (const e of ends) {
            if (e.ok) finished++;
            else violations.push(`${worker} could not finish ${e.id} with its claim's lease epoch: someone else took it over`);
          }
        }
      } catch (err) {
        fail(worker, err);
      } finally {
        await c.end();
      }
    };

    const sampler = async () => {
      const c = await connect();
      try {
        while (racing()) {
          // one statement, one snapshot
          const { rows } = await c.query(
            `select coalesce((select jsonb_object_agg(h.owner_id, h.n) from (
                    select a.primary_owner_user_id as owner_id, count(*)::int as n
                      from app_public.task_executions e join app_public.accounts a on a.id = e.account_id
                     where e.status = 'running' or (e.status = 'pending' and e.lease_owner is not null)
                     group by 1) h), '{}'::jsonb) as owners,
                  (select count(*)::int from app_public.task_executions e where e.status = 'running' and e.provider = $1) as provider_running`,
            [provider],
          );
          samples++;
          checkHeld(new Map(Object.entries(rows[0].owners as Record<string, number>)), rows[0].provider_running, `sample ${samples}`);
        }
      } catch (err) {
        fail("sampler", err);
      } finally {
        await c.end();
      }
    };

    const t0 = Date.now();
    await Promise.all([...Array.from({ length: CLAIMERS }, (_, i) => claimer(`${provider}-worker-${i + 1}`, 1000 + i)), sampler()]);
    const elapsedMs = Date.now() - t0;

    console.log(
      `claimRace: ${total} runs, ${claimCalls} claims by ${CLAIMERS} claimers, ${samples} samples in ${elapsedMs} ms; ` +
        `first claims took ${firstRoundHeld}, provider peak ${maxima.provider}/${limit ?? "no limit"}, ` +
        `${maxima.ownersAtCap.size}/${OWNERS} owners reached their cap`,
    );
    expect(violations).toEqual([]);
    expect({ finished, timedOut: Date.now() >= deadline }).toEqual({ finished: total, timedOut: false });
    // every run claimed exactly once (nothing is released in this test, so a second claim would be a double hand-out)
    expect(claimedTimes.size).toBe(total);
    expect([...claimedTimes.values()].filter((n) => n !== 1)).toEqual([]);
    const { rows } = await root.query(
      `select status, count(*)::int as n, count(*) filter (where lease_owner is not null)::int as leased from app_public.task_executions
      where execution_id = any($1::uuid[]) group by 1`,
      [[...ownerOf.keys()]],
    );
    expect(rows).toEqual([{ status: "completed", n: total, leased: 0 }]);
    // the race really raced, and both limits really bound (else the checks above prove nothing)
    expect(claimCalls).toBeGreaterThan(CLAIMERS * 5);
    expect(samples).toBeGreaterThan(5);
    // 4 x 40 asked for, nothing finished yet: a limited provider's claims fill it exactly (plan caps allow 120)
    if (limit !== null) expect(firstRoundHeld).toBe(limit);
    expect(maxima.ownersAtCap.size).toBeGreaterThanOrEqual(OWNERS / 2);
  },
  40_000,
);
