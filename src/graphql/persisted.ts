/**
 * Persisted (trusted) operations through @grafserv/persisted.
 *
 * GRAPHQL_PERSISTED_OPERATIONS names a directory of `<sha256>.graphql` files (hex SHA-256 of the
 * file's exact content). They are read and checked once at start-up: a file whose name is not the
 * hash of its content stops the start, so a client's hash always means exactly one document.
 * Clients send `{"documentId": "<sha256>", "variables": …}` (Relay), `{"id": …}` or Apollo's
 * `extensions.persistedQuery.sha256Hash` instead of `query`.
 *
 * GRAPHQL_PERSISTED_ONLY=true refuses every other document (HTTP 400): the API then runs only
 * the operations its own clients ship, and documents never seen before cannot reach the parser,
 * validator or planner at all. Otherwise both are accepted.
 *
 * Known documents cost less: grafserv's parse-and-validate cache and grafast's operation-plan
 * cache are keyed by the document string / parsed document, and a persisted operation is always
 * the same string (so never re-hashed, re-parsed or re-planned), with a small request body.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PersistedPlugin } from "@grafserv/persisted";

export interface PersistedOperationsConfig {
  /** Directory of `<sha256>.graphql` files, or undefined for none. */
  directory: string | undefined;
  /** Refuse documents that are not persisted. */
  only: boolean;
}

export class PersistedOperationsError extends Error {}

export function sha256Hex(document: string): string {
  return crypto.createHash("sha256").update(document, "utf8").digest("hex");
}

/** Reads and checks every `<sha256>.graphql` in the directory. */
export function loadPersistedOperations(directory: string): Record<string, string> {
  const operations: Record<string, string> = Object.create(null) as Record<string, string>;
  let names: string[];
  try {
    names = fs.readdirSync(directory).filter((n) => n.endsWith(".graphql"));
  } catch (err) {
    throw new PersistedOperationsError(`cannot read ${directory}: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const name of names) {
    const document = fs.readFileSync(path.join(directory, name), "utf8");
    const hash = sha256Hex(document);
    if (name !== `${hash}.graphql`) {
      throw new PersistedOperationsError(`${name}: the file name must be the SHA-256 of its content (${hash}.graphql)`);
    }
    operations[hash] = document;
  }
  return operations;
}

/** Preset fragment (plugins + grafserv options) for the given settings; empty when neither is set. */
export function persistedOperationsPreset(config: PersistedOperationsConfig): GraphileConfig.Preset {
  if (!config.directory && !config.only) return {};
  const operations = config.directory ? loadPersistedOperations(config.directory) : {};
  return {
    plugins: [PersistedPlugin],
    grafserv: {
      persistedOperations: operations,
      allowUnpersistedOperation: !config.only,
    },
  };
}
