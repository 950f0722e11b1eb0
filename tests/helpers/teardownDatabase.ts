import fs from "node:fs";
import pg from "pg";
import type { EmbeddedServer } from "../../src/db/embedded.js";

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  const embedded = g.__embedded as EmbeddedServer | undefined;
  if (embedded) {
    await embedded.stop();
    const dir = g.__embeddedDataDir as string | undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  const root = new pg.Client({ connectionString: process.env.TEST_ROOT_URL });
  await root.connect();
  try {
    await root.query(`drop database if exists ${pg.escapeIdentifier(process.env.TEST_DATABASE_NAME!)} with (force)`);
  } finally {
    await root.end();
  }
}
