import fs from "node:fs";
import pg from "pg";
import type { EmbeddedServer } from "../../src/db/embedded.js";

/** Stops the embedded server (its folder goes with it), or drops the template and any per-file database left behind. */
export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  const embedded = g.__embedded as EmbeddedServer | undefined;
  if (embedded) {
    await embedded.stop();
    const dir = g.__embeddedDataDir as string | undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  const template = process.env.TEST_TEMPLATE_DATABASE!;
  const root = new pg.Client({ connectionString: process.env.TEST_ROOT_URL });
  await root.connect();
  try {
    const { rows } = await root.query<{ datname: string }>(
      "select datname from pg_database where datname = $1 or starts_with(datname, $1 || '_w')",
      [template],
    );
    for (const { datname } of rows) await root.query(`drop database if exists ${pg.escapeIdentifier(datname)} with (force)`);
  } finally {
    await root.end();
  }
}
