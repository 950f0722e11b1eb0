/**
 * Runs a named GraphQL operation for a REST request exactly the way grafserv runs a POST to
 * /graphql: the same grafserv instance's execution config (schema, parse-and-validate with the
 * request-limit rules), the same request context (`expressv4.req`, whose `auth` the shared auth
 * middleware set from the verified JWT), `hookArgs` (so the preset's `grafast.context` gives
 * the visitor role and claims as pgSettings, and PostGraphile adds its pg client) and grafast's
 * `execute`; errors are masked by the server's own maskError. So RLS, the SQL functions and the
 * GraphQL plugins decide everything; the REST layer only maps shapes.
 */
import type { Request, Response } from "express";
import { hookArgs, isAsyncIterable } from "postgraphile/grafast";
import type { GrafservBase } from "postgraphile/grafserv";
import { SERVER_OPERATION } from "../../graphql/cost.js";
import { fromGraphQLError } from "./errors.js";
import { OPERATIONS, type OperationName } from "./operations.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL results are JSON; each route reads the fields its operation selected
export type GraphQLData = Record<string, any>;

/**
 * `fieldNames` renames GraphQL argument names in `extensions.field` to the REST request's field
 * names (e.g. `first` → `limit`).
 */
export type RunOperation = (
  req: Request,
  res: Response,
  name: OperationName,
  variables: Record<string, unknown>,
  fieldNames?: Record<string, string>,
) => Promise<GraphQLData>;

export function makeOperationRunner(serv: GrafservBase): RunOperation {
  return async (req, res, name, variables, fieldNames = {}) => {
    // SERVER_OPERATION: these documents are the server's own, one connection deep, their page size bounded by the
    // OpenAPI document (limit ≤ 1000); the execution-time cost check (src/graphql/cost.ts) leaves them alone.
    const requestContext = { node: { req, res }, expressv4: { req, res }, [SERVER_OPERATION]: true } as Partial<Grafast.RequestContext>;
    const { schema, parseAndValidate, execute, contextValue, resolvedPreset } = await serv.getExecutionConfig(requestContext);
    const { errors, document } = parseAndValidate(OPERATIONS[name]);
    if (errors) throw new Error(`REST operation ${name} does not validate against the schema: ${errors.map((e) => e.message).join("; ")}`);
    const args = {
      schema,
      document,
      rootValue: null,
      contextValue,
      variableValues: variables,
      operationName: name,
      resolvedPreset,
      requestContext,
      middleware: serv.grafastMiddleware,
    };
    await hookArgs(args);
    const result = await execute(args);
    if (isAsyncIterable(result)) throw new Error(`REST operation ${name} returned a stream`);
    const masked = serv.dynamicOptions.maskPayload(result);
    const first = masked.errors?.[0];
    if (first) throw fromGraphQLError({ message: first.message, extensions: first.extensions }, fieldNames);
    return (masked.data ?? {}) as GraphQLData;
  };
}
