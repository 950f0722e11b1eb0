/**
 * The usual test file's world: the API server on a free port and a loopback OpenAI-compatible model, started before the
 * file's tests and closed (with the file's database pools) after them. `useServerAndModel()` (or `useServer()`, without
 * the model) registers the hooks; the
 * exported bindings are live (ES modules), so a test file imports `server`, `llm` and `baseURL` and uses them as its own.
 */
import type { ApiServer } from "../../src/http/server.js";
import { startTestServer } from "./api.js";
import { closePools } from "./db.js";
import { FakeOpenAI } from "./fakeOpenAI.js";
import { closeOwnerPool } from "./worker.js";

export let server: ApiServer;
export let llm: FakeOpenAI;
export let baseURL: string;

/** The API server alone, for files that never call a model. */
export function useServer(env: Record<string, string> = {}): void {
  beforeAll(async () => {
    server = await startTestServer(env);
  });
  afterAll(async () => {
    await server.close();
    await closeOwnerPool();
    await closePools();
  });
}

export function useServerAndModel(env: Record<string, string> = {}): void {
  beforeAll(async () => {
    server = await startTestServer(env);
    llm = new FakeOpenAI();
    ({ baseURL } = await llm.start());
  });
  afterAll(async () => {
    await server.close();
    await llm.close();
    await closeOwnerPool();
    await closePools();
  });
}
