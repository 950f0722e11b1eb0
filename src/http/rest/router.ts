/**
 * The plan's REST API (README "REST API"), mounted at /api. Each route runs named GraphQL
 * operations (src/http/rest/operations.ts) through the server's own grafserv instance and turns the
 * result into the plan's snake_case JSON. The OpenAPI document (src/http/rest/openapi.json) is
 * served as is at /api/openapi.json, rendered by Swagger UI (served from the installed
 * swagger-ui-dist package, no CDN) at /api/docs, and enforced on every request and response by
 * express-openapi-validator.
 *
 * Order of a request: per-IP limit → JWT (the same middleware as /graphql) → signed in? →
 * per-user limit → JSON body (size limit) → OpenAPI request validation → route → OpenAPI
 * response validation.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import type { GrafservBase } from "postgraphile/grafserv";
import { authMiddleware, type VerifiedClaims, type Verifier } from "../auth.js";
import { PROJECT_ROOT } from "../../config.js";
import { isDatabaseUnavailable } from "../../db/unavailable.js";
import { errorFields, log } from "../../logger.js";
import { RestError, sendError } from "./errors.js";
import { makeOperationRunner, type GraphQLData } from "./graphql.js";

/** The OpenAPI document, read once: served, rendered and used for validation. */
export const OPENAPI_DOCUMENT: Readonly<Record<string, unknown>> = Object.freeze(
  JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "src/http/rest/openapi.json"), "utf8")) as Record<string, unknown>,
);

/** The files of swagger-ui-dist that /api/docs serves (the page's stylesheet and script). */
export const DOCS_FILES = ["swagger-ui.css", "swagger-ui-bundle.js"] as const;

/** Longest `?wait=` of the export (the document's maximum); re-read intervals grow from 100 ms to 1 s. */
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 1000;

export interface RestApiOptions {
  serv: GrafservBase;
  verify: Verifier;
  provision: (claims: VerifiedClaims) => Promise<void>;
  limiters: { perIp: RequestHandler; perUser: RequestHandler };
  maxBodyBytes: number;
  /** Serve Swagger UI at /docs (API_DOCS). */
  docs: boolean;
}

/** camelCase keys of a GraphQL object → the plan's snake_case (top level only: JSON values keep their keys). */
export function snakeKeys(obj: GraphQLData): GraphQLData {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

/** A task as the document's Task (the detail fields removed). */
function taskJson(task: GraphQLData): GraphQLData {
  const { originalMessages: _messages, ...rest } = task;
  return snakeKeys(rest);
}

function notFound(what: "task" | "thread", id: string): RestError {
  return new RestError(404, "ST001", `${what} ${id} not found`);
}

/**
 * The shared middleware (auth, rate limits) answers in the GraphQL error shape; under /api
 * those answers are given in the REST shape instead, with the same code and message.
 */
const restErrorShape: RequestHandler = (_req, res, next) => {
  const json = res.json.bind(res);
  res.json = ((body: unknown) => {
    const first = (body as { errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> } | null)?.errors?.[0];
    if (res.statusCode >= 400 && first && typeof first.message === "string") {
      const code = typeof first.extensions?.code === "string" ? first.extensions.code : "INTERNAL";
      return json({ error: { code, message: first.message } });
    }
    return json(body);
  }) as Response["json"];
  next();
};

const requireUser: RequestHandler = (req, res, next) => {
  if (req.auth) return next();
  res.set("WWW-Authenticate", "Bearer");
  res.status(401).json(new RestError(401, "ST401", "this API requires a signed-in user: send Authorization: Bearer <JWT>").body);
};

interface ValidatorError {
  status: number;
  message: string;
  errors?: Array<{ path?: string; message?: string; errorCode?: string; params?: Record<string, unknown> }>;
}

function isValidatorError(err: unknown): err is ValidatorError {
  return (
    typeof err === "object" &&
    err !== null &&
    typeof (err as { status?: unknown }).status === "number" &&
    Array.isArray((err as { errors?: unknown }).errors)
  );
}

/** The request field an OpenAPI validation error is about: `/body/name` → name, `/query/limit` → limit. */
function fieldOfValidation(item: NonNullable<ValidatorError["errors"]>[number] | undefined): string | undefined {
  if (!item) return undefined;
  const extra = item.params?.additionalProperty ?? item.params?.missingProperty;
  const parts = (item.path ?? "").split(/[/.]/).filter((p) => p && !["body", "query", "params", "headers"].includes(p));
  if (typeof extra === "string") parts.push(extra);
  return parts.length ? parts.join(".") : undefined;
}

export function restApi(opts: RestApiOptions): express.Router {
  const run = makeOperationRunner(opts.serv);
  const router = express.Router();
  router.use(restErrorShape, opts.limiters.perIp);

  // The document is public (like the GraphQL schema); its reference page only when API_DOCS is on (off in production).
  router.get("/openapi.json", (_req, res) => void res.json(OPENAPI_DOCUMENT));
  if (opts.docs) {
    const swaggerUi = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
    router.get("/docs", (req, res) => {
      const base = `${req.baseUrl}/docs`;
      res.type("html").send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Scheduled agent tasks — REST API</title>
<link rel="stylesheet" href="${base}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script><script src="${base}/init.js"></script></body></html>`);
    });
    router.get("/docs/init.js", (req, res) => {
      res
        .type("js")
        .send(
          `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(`${req.baseUrl}/openapi.json`)}, dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });\n`,
        );
    });
    // Exactly the two files the page loads: not the package's other files (its package.json, stock index.html, source maps).
    for (const file of DOCS_FILES) {
      router.get(`/docs/${file}`, (_req, res) => res.sendFile(path.join(swaggerUi, file)));
    }
  }
  router.use("/docs", (_req, res) => {
    sendError(
      res,
      new RestError(
        404,
        "NOT_FOUND",
        opts.docs ? "no such file of the API reference page" : "the API reference page is off (API_DOCS=false)",
      ),
    );
  });

  router.use(authMiddleware(opts.verify, opts.provision), requireUser, opts.limiters.perUser);
  router.use(express.json({ limit: opts.maxBodyBytes }));
  router.use(
    OpenApiValidator.middleware({
      apiSpec: structuredClone(OPENAPI_DOCUMENT) as never,
      validateRequests: { allowUnknownQueryParameters: false },
      validateResponses: true,
      validateSecurity: false, // the auth middleware above has already verified the JWT
      ignoreUndocumented: false,
    }),
  );

  router.post("/thread/:thread_id/export", async (req, res) => {
    const threadId = req.params.thread_id;
    const body = (req.body ?? {}) as { task_name?: string | null; task_description?: string | null };
    const data = await run(
      req,
      res,
      "ExportThread",
      { threadId, taskName: body.task_name ?? null, taskDescription: body.task_description ?? null },
      {
        threadId: "thread_id",
        taskName: "task_name",
        taskDescription: "task_description",
      },
    );
    let task = data.exportThread?.result as GraphQLData | null;
    if (!task) throw notFound("thread", threadId);
    // Prompt generation is the worker's: wait for it (bounded by ?wait=) by re-reading the task, as a client would.
    const deadline = Date.now() + Number(req.query.wait ?? 0) * 1000;
    for (
      let delay = FIRST_POLL_MS;
      task.promptStatus === "pending" && Date.now() < deadline && !req.socket.destroyed;
      delay = Math.min(delay * 2, MAX_POLL_MS)
    ) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, deadline - Date.now())));
      const again = (await run(req, res, "GetTask", { taskId: task.taskId })).scheduledTaskByTaskId as GraphQLData | null;
      if (!again) break;
      task = again;
    }
    const statusUrl = `${req.baseUrl}/tasks/${task.taskId}`;
    const pending = task.promptStatus === "pending";
    res.location(statusUrl);
    if (pending) res.set("Retry-After", "1");
    res.status(pending ? 202 : 201).json({
      task_id: task.taskId,
      generated_prompt: task.promptStatus === "ready" ? task.generatedPrompt : null,
      original_message_count: task.originalMessageCount,
      agent_id: task.agentId,
      source_thread_id: task.sourceThreadId,
      prompt_status: task.promptStatus,
      prompt_error: task.promptError,
      status_url: statusUrl,
    });
  });

  router.get("/tasks", async (req, res) => {
    const q = req.query as unknown as { status?: string; limit: number; offset: number; sort: string; order: string };
    const data = await run(
      req,
      res,
      "ListTasks",
      {
        condition: q.status ? { status: q.status } : {},
        orderBy: [`${q.sort}_${q.order}`.toUpperCase(), "PRIMARY_KEY_ASC"],
        first: q.limit,
        offset: q.offset,
      },
      { first: "limit" },
    );
    const conn = data.allScheduledTasks as { totalCount: number; nodes: GraphQLData[] };
    res.json({ tasks: conn.nodes.map(taskJson), total_count: conn.totalCount, limit: q.limit, offset: q.offset });
  });

  const readTask = async (req: Request<{ task_id: string }>, res: Response): Promise<GraphQLData> => {
    const taskId = req.params.task_id;
    const task = (await run(req, res, "GetTask", { taskId })).scheduledTaskByTaskId as GraphQLData | null;
    if (!task) throw notFound("task", taskId);
    return task;
  };

  router.get("/tasks/:task_id", async (req, res) => {
    res.json(snakeKeys(await readTask(req, res)));
  });

  router.put("/tasks/:task_id", async (req, res) => {
    const taskId = req.params.task_id;
    const body = req.body as {
      name?: string;
      description?: string | null;
      generated_prompt?: string;
      overlap_policy?: string;
      status?: "active" | "paused";
      notify_on?: string | null;
      notify_overdue?: boolean | null;
      failure_threshold?: number | null;
      run_memory?: boolean;
    };
    let task = await readTask(req, res);
    if (body.status !== undefined && body.status !== task.status) {
      const [op, field] = body.status === "paused" ? (["PauseTask", "pauseTask"] as const) : (["ResumeTask", "resumeTask"] as const);
      task = (await run(req, res, op, { taskId }))[field].result as GraphQLData;
    }
    const patch: Record<string, unknown> = {};
    if (body.name !== undefined) patch.name = body.name;
    if (body.description !== undefined) patch.description = body.description;
    if (body.generated_prompt !== undefined) patch.generatedPrompt = body.generated_prompt;
    if (body.overlap_policy !== undefined) patch.overlapPolicy = body.overlap_policy;
    if (body.notify_on !== undefined) patch.notifyOn = body.notify_on;
    if (body.notify_overdue !== undefined) patch.notifyOverdue = body.notify_overdue;
    if (body.failure_threshold !== undefined) patch.failureThreshold = body.failure_threshold;
    if (body.run_memory !== undefined) patch.runMemory = body.run_memory;
    if (Object.keys(patch).length > 0) {
      const data = await run(
        req,
        res,
        "UpdateTask",
        { taskId, patch },
        {
          generatedPrompt: "generated_prompt",
          overlapPolicy: "overlap_policy",
          notifyOn: "notify_on",
          notifyOverdue: "notify_overdue",
          failureThreshold: "failure_threshold",
          runMemory: "run_memory",
        },
      );
      task = data.updateScheduledTaskByTaskId.scheduledTask as GraphQLData;
    }
    res.json(taskJson(task));
  });

  router.delete("/tasks/:task_id", async (req, res) => {
    await run(req, res, "DeleteTask", { taskId: req.params.task_id });
    res.status(204).end();
  });

  router.post("/tasks/:task_id/schedule", async (req, res) => {
    const body = req.body as {
      schedule_type: string;
      scheduled_at?: string | null;
      cron_expression?: string | null;
      timezone?: string;
      max_executions?: number | null;
    };
    const data = await run(req, res, "ScheduleTask", {
      taskId: req.params.task_id,
      scheduleType: body.schedule_type,
      scheduledAt: body.scheduled_at ?? null,
      cronExpression: body.cron_expression ?? null,
      timezone: body.timezone ?? "UTC",
      maxExecutions: body.max_executions ?? null,
    });
    res.json(taskJson(data.scheduleTask.result as GraphQLData));
  });

  router.post("/schedules/parse", async (req, res) => {
    const body = req.body as { text: string; timezone?: string; now?: string | null; count?: number };
    const data = await run(req, res, "ParseSchedule", {
      text: body.text,
      timezone: body.timezone ?? "UTC",
      now: body.now ?? null,
      count: body.count ?? 5,
    });
    const answer = data.parseSchedule as GraphQLData;
    res.json({ ...answer, spec: answer.spec ? snakeKeys(answer.spec as GraphQLData) : null });
  });

  router.post("/tasks/:task_id/execute", async (req, res) => {
    const taskId = req.params.task_id;
    const body = (req.body ?? {}) as { reason?: string | null };
    const data = await run(req, res, "ExecuteTask", { taskId, reason: body.reason ?? null });
    res.location(`${req.baseUrl}/tasks/${taskId}/executions`);
    res.status(202).json(snakeKeys(data.executeTask.result as GraphQLData));
  });

  router.post("/tasks/:task_id/pause", async (req, res) => {
    const data = await run(req, res, "PauseTask", { taskId: req.params.task_id });
    res.json(taskJson(data.pauseTask.result as GraphQLData));
  });

  router.post("/tasks/:task_id/resume", async (req, res) => {
    const data = await run(req, res, "ResumeTask", { taskId: req.params.task_id });
    res.json(taskJson(data.resumeTask.result as GraphQLData));
  });

  router.get("/tasks/:task_id/executions", async (req, res) => {
    const taskId = req.params.task_id;
    const q = req.query as unknown as { limit: number; offset: number };
    const data = await run(req, res, "ListExecutions", { taskId, first: q.limit, offset: q.offset }, { first: "limit" });
    const conn = data.scheduledTaskByTaskId?.taskExecutionsByTaskId as { totalCount: number; nodes: GraphQLData[] } | undefined;
    if (!conn) throw notFound("task", taskId);
    res.json({ executions: conn.nodes.map(snakeKeys), total_count: conn.totalCount, limit: q.limit, offset: q.offset });
  });

  router.get("/notifications", async (req, res) => {
    const q = req.query as unknown as { unread: boolean; limit: number; offset: number };
    const data = await run(
      req,
      res,
      "ListNotifications",
      { condition: q.unread ? { readAt: null } : {}, first: q.limit, offset: q.offset },
      { first: "limit" },
    );
    const conn = data.allNotifications as { totalCount: number; nodes: GraphQLData[] };
    res.json({
      notifications: conn.nodes.map(snakeKeys),
      total_count: conn.totalCount,
      unread_count: data.unreadNotificationCount as number,
      limit: q.limit,
      offset: q.offset,
    });
  });

  router.post("/notifications/read", async (req, res) => {
    const data = await run(req, res, "MarkAllNotificationsRead", {});
    res.json({ updated: data.markAllNotificationsRead.result as number });
  });

  router.post("/notifications/:notification_id/read", async (req, res) => {
    const data = await run(req, res, "MarkNotificationRead", { notificationId: req.params.notification_id });
    res.json(snakeKeys(data.markNotificationRead.result as GraphQLData));
  });

  router.put("/accounts/:account_id/notifications", async (req, res) => {
    const accountId = req.params.account_id;
    const body = req.body as { notify_on?: string; notify_overdue?: boolean };
    const patch: Record<string, unknown> = {};
    if (body.notify_on !== undefined) patch.notifyOn = body.notify_on;
    if (body.notify_overdue !== undefined) patch.notifyOverdue = body.notify_overdue;
    const data = await run(
      req,
      res,
      "UpdateAccountNotifications",
      { accountId, patch },
      { notifyOn: "notify_on", notifyOverdue: "notify_overdue" },
    );
    const account = data.updateAccountByRowId?.account as GraphQLData | undefined;
    if (!account) throw new RestError(404, "ST001", `account ${accountId} not found`);
    res.json({ account_id: account.rowId, notify_on: account.notifyOn, notify_overdue: account.notifyOverdue });
  });

  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const rest = toRestError(err, opts.maxBodyBytes);
    if (rest.status === 405) res.set("Allow", allowedMethods(req.path).join(", "));
    sendError(res, rest);
  });
  return router;
}

const DOCUMENT_PATHS = Object.entries(OPENAPI_DOCUMENT.paths as Record<string, Record<string, unknown>>).map(([template, item]) => ({
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
  methods: Object.keys(item)
    .filter((k) => ["get", "put", "post", "delete", "patch"].includes(k))
    .map((m) => m.toUpperCase()),
}));

/** The methods the document offers on a path (for a 405's Allow header). */
export function allowedMethods(requestPath: string): string[] {
  return DOCUMENT_PATHS.find((p) => p.pattern.test(requestPath))?.methods ?? [];
}

function toRestError(err: unknown, maxBodyBytes: number): RestError {
  if (err instanceof RestError) return err;
  const type = (err as { type?: unknown } | null)?.type;
  if (type === "entity.too.large") {
    return new RestError(413, "PAYLOAD_TOO_LARGE", `the request body is larger than ${maxBodyBytes} bytes (GRAPHQL_MAX_BODY_BYTES)`);
  }
  if (type === "entity.parse.failed") return new RestError(400, "BAD_REQUEST", "the request body is not valid JSON");
  if (isValidatorError(err)) {
    if (err.status === 400) {
      const first = err.errors?.[0];
      const field = fieldOfValidation(first);
      return new RestError(422, "ST003", field ? `${field}: ${first?.message ?? err.message}` : err.message, field);
    }
    if (err.status === 404) return new RestError(404, "NOT_FOUND", "no such REST route (see /api/openapi.json)");
    if (err.status === 405) return new RestError(405, "METHOD_NOT_ALLOWED", err.message);
    if (err.status === 415) return new RestError(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");
    if (err.status === 413) return new RestError(413, "PAYLOAD_TOO_LARGE", err.message);
  }
  // Other client errors of express's own middleware (static files, body parsing): their status and message are safe.
  const { status, expose, message } = (err ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status === "number" && status >= 400 && status < 500 && expose === true && typeof message === "string") {
    const code =
      ({ 404: "NOT_FOUND", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE" } as Record<number, string>)[status] ?? "BAD_REQUEST";
    return new RestError(status, code, message);
  }
  if (isDatabaseUnavailable(err)) {
    log.warn("REST request failed: database unavailable", errorFields(err));
    return new RestError(503, "DATABASE_UNAVAILABLE", "The database is unavailable right now; retry shortly.", undefined, 5);
  }
  log.error("REST request failed", errorFields(err));
  return new RestError(500, "INTERNAL", "internal error");
}
