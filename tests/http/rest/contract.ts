/**
 * REST calls checked against the OpenAPI document: the status must be one the operation documents
 * (not just `default`), and the JSON body must validate against that response's schema (ajv,
 * JSON Schema 2020-12, the dialect of OpenAPI 3.1). Every (operation, status) seen is recorded so a
 * test can assert that each documented status was exercised.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { ApiServer } from "../../../src/http/server.js";
import { OPENAPI_DOCUMENT } from "../../../src/http/rest/router.js";

// ajv-formats is CommonJS with a default export
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface Doc {
  paths: Record<
    string,
    Record<string, { operationId: string; responses: Record<string, { $ref?: string; content?: Record<string, unknown> }> }>
  >;
  components: { responses: Record<string, { content?: Record<string, unknown> }> };
}
export const doc = OPENAPI_DOCUMENT as unknown as Doc;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
ajv.addSchema(structuredClone(OPENAPI_DOCUMENT), "openapi");

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

export const seen = new Set<string>();

export interface RestResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are JSON checked against the document
  body: any;
  headers: Headers;
}

/** The operation of a concrete path: `/tasks/<uuid>/pause` → `/tasks/{task_id}/pause`. */
function templateOf(pathname: string): string {
  const parts = pathname.split("/");
  for (const template of Object.keys(doc.paths)) {
    const t = template.split("/");
    if (t.length === parts.length && t.every((seg, i) => seg.startsWith("{") || seg === parts[i])) return template;
  }
  throw new Error(`no documented path matches ${pathname}`);
}

export function checkContract(method: string, pathname: string, res: RestResult): void {
  const template = templateOf(pathname);
  const op = doc.paths[template]![method.toLowerCase()];
  if (!op) throw new Error(`${method} ${template} is not documented`);
  const response = op.responses[String(res.status)];
  if (!response) throw new Error(`${method} ${template} answered ${res.status}, which it does not document: ${JSON.stringify(res.body)}`);
  seen.add(`${op.operationId} ${res.status}`);
  let where = pointer("paths", template, method.toLowerCase(), "responses", String(res.status));
  let resolved = response;
  if (response.$ref) {
    const name = response.$ref.split("/").pop()!;
    where = pointer("components", "responses", name);
    resolved = doc.components.responses[name]!;
  }
  if (!resolved.content) {
    if (res.body !== undefined)
      throw new Error(`${method} ${template} ${res.status} documents no body but got ${JSON.stringify(res.body)}`);
    return;
  }
  const validate = ajv.getSchema(`openapi#/${where}/content/application~1json/schema`);
  if (!validate) throw new Error(`no schema at ${where}`);
  if (!validate(res.body)) {
    throw new Error(
      `${method} ${pathname} ${res.status} does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body, null, 2)}`,
    );
  }
}

export async function rest(
  server: ApiServer,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<RestResult> {
  const res = await fetch(`${server.url}/api${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined || opts.rawBody !== undefined ? { "content-type": "application/json" } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
  });
  const text = await res.text();
  const result: RestResult = { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  checkContract(method, new URL(res.url).pathname.replace(/^\/api/, ""), result);
  return result;
}

/** Every (operationId, status) the document lists, `default` aside. */
export function documentedStatuses(): string[] {
  const out: string[] = [];
  for (const item of Object.values(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (method === "parameters") continue;
      for (const status of Object.keys(op.responses)) if (status !== "default") out.push(`${op.operationId} ${status}`);
    }
  }
  return out;
}
