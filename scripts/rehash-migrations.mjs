#!/usr/bin/env node
/**
 * Re-chains migrations/committed/*.sql: rewrites each file's `--! Previous:` and `--! Hash:`
 * headers in file-name order, using graphile-migrate's own hash function. Use it after
 * renumbering or merging committed migrations that were written on parallel branches
 * (never on migrations already applied to a production database).
 *   node scripts/rehash-migrations.mjs [--check]
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { calculateHash } = require("graphile-migrate/dist/hash.js");
const { parseMigrationText } = require("graphile-migrate/dist/migration.js");

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "migrations", "committed");
const check = process.argv.includes("--check");
let previous = null;
let changed = 0;
for (const file of fs
  .readdirSync(dir)
  .filter((f) => /^\d{6}.*\.sql$/.test(f))
  .sort()) {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, "utf8");
  const { headers, body } = parseMigrationText(full, text);
  const hash = calculateHash(body, previous);
  const next = { Previous: previous ?? "-", Hash: hash, ...headers };
  next.Previous = previous ?? "-";
  next.Hash = hash;
  const out =
    Object.entries(next)
      .map(([k, v]) => `--! ${k}: ${v}`)
      .join("\n") +
    "\n\n" +
    body;
  if (out !== text) {
    changed++;
    if (check) console.error(`${file}: headers out of date`);
    else fs.writeFileSync(full, out);
  }
  previous = hash;
}
if (check && changed) process.exit(1);
console.log(`${changed} migration file(s) ${check ? "out of date" : "rewritten"}`);
