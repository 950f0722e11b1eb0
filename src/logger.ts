/**
 * Structured JSON logs, one line per event, written by pino: `{"level":"info","time":"…","pid":…,"hostname":"…","msg":"…",…fields}`.
 * Info and debug go to stdout, warn and error to stderr. Never pass JWTs, API keys or full prompts here; as a safety
 * net every line is scrubbed anyway (see `redact` below).
 *
 * Call shape: `log.info(msg, fields)`. Correlation ids:
 * - `log.child({ execution_id, task_id, account_id })` returns a logger whose every line carries those fields;
 * - `withLogContext(fields, fn)` puts fields on every line logged while `fn` runs, across awaits (AsyncLocalStorage):
 *   each HTTP request runs in one carrying its `request_id` (src/http/requestContext.ts), each agent run in one
 *   carrying its execution, task and account ids (src/run/pool.ts), so code deep down (SDK retries, MCP) is
 *   correlated without passing a logger around.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pino from "pino";

type Level = "debug" | "info" | "warn" | "error";
type Fields = Record<string, unknown>;

const REDACTED = "[redacted]";

/** Keys whose string values are secrets whatever they hold. */
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-agent-signature|password|passwd|pwd|secret|[a-z_]*_secret|[a-z]*Secret|token|[a-z_]*_token|access[A-Z]?[a-z]*Token|refresh[A-Z]?[a-z]*Token|idToken|jwt|api[_-]?key|apiKey|private[_-]?key)$/i;

/** Secrets recognisable by shape inside any string (messages, errors, URLs). */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // credentials in a URL: postgres://user:password@host, https://user:token@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // a bearer or basic credential
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/g, `$1 ${REDACTED}`],
  // a JWT (header.payload.signature, base64url, header starting {" = eyJ)
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // OpenAI-style keys (sk-…, sk-proj-…)
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  // password=… in a libpq keyword/value connection string or a query string
  [/\b(password|passwd|pwd)=([^\s&;]+)/gi, `$1=${REDACTED}`],
];

/** A string with every recognisable secret replaced by [redacted]. */
export function redactString(s: string): string {
  let out = s;
  for (const [re, replacement] of SECRET_PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** A copy of `value` with secrets redacted: values of secret-named keys, and secret-shaped substrings anywhere. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactString(value);
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (value instanceof Error) return redact(errorFields(value), depth + 1);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SECRET_KEY.test(k) && v !== null && v !== undefined && typeof v !== "number" && typeof v !== "boolean"
        ? REDACTED
        : redact(v, depth + 1);
  }
  return out;
}

const context = new AsyncLocalStorage<Fields>();

/** Runs `fn` with `fields` on every log line written meanwhile (nested contexts add to the outer one). */
export function withLogContext<T>(fields: Fields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** Runs `fn` outside any log context (work shared by many runs or requests, e.g. a batch of run writes). */
export function withoutLogContext<T>(fn: () => T): T {
  return context.exit(fn);
}

/** A pino logger writing our line format to `destination` (default: info/debug → stdout, warn/error → stderr). */
export function makePinoLogger(level: Level, destination?: pino.DestinationStream): pino.Logger {
  const dest =
    destination ??
    pino.multistream(
      [
        { level: "debug", stream: pino.destination({ dest: 1, sync: true }) },
        { level: "warn", stream: pino.destination({ dest: 2, sync: true }) },
      ],
      { dedupe: true },
    );
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // every line's object: context, then the message, then the fields; all of it scrubbed
        log: (obj) => redact(obj) as Fields,
      },
      // belt and braces for the usual places, should a raw request or config object ever be logged
      redact: {
        paths: [
          "req.headers.authorization",
          "req.headers.cookie",
          "headers.authorization",
          "headers.cookie",
          "config.jwt.secret",
          "config.llm.apiKey",
        ],
        censor: REDACTED,
      },
    },
    dest,
  );
}

let root: pino.Logger = makePinoLogger("info");

/** LOG_LEVEL is validated by loadConfig (src/config.ts); entry points pass it to setLogLevel. */
export function setLogLevel(level: Level): void {
  root.level = level;
}

/** Tests: send every line to `destination` (e.g. a stream collecting them); undefined = back to stdout/stderr. */
export function setLogDestination(destination: pino.DestinationStream | undefined): void {
  root = makePinoLogger(root.level as Level, destination);
}

export interface Logger {
  debug: (msg: string, fields?: Fields) => void;
  info: (msg: string, fields?: Fields) => void;
  warn: (msg: string, fields?: Fields) => void;
  error: (msg: string, fields?: Fields) => void;
  /** A logger adding `fields` to every line (correlation ids). */
  child: (fields: Fields) => Logger;
}

function makeLogger(bindings: Fields): Logger {
  const write = (level: Level, msg: string, fields?: Fields) => {
    if (!root.isLevelEnabled(level)) return;
    // msg first in the object so that lines read `"msg":"…","field":…` (pino would otherwise append it last)
    root[level]({ ...context.getStore(), msg, ...bindings, ...fields });
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => makeLogger({ ...bindings, ...fields }),
  };
}

export const log: Logger = makeLogger({});

/** An error reduced to what is safe to log. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { error: redactString(err.message), ...(typeof code === "string" ? { code } : {}) };
  }
  return { error: redactString(String(err)) };
}
