/**
 * The cost of a GraphQL operation as it will actually run (README "Security", docs/security.md).
 *
 * graphql-armor's formula — each object 2, each scalar 1, children ×1.5 per level of depth,
 * a subtree × its page size — with the page size every connection and simple list really gets:
 *
 * - `first` / `last` written as a literal: that number;
 * - given through a variable: the variable's value (or the variable definition's default);
 * - not given at all (or null): GRAPHQL_DEFAULT_PAGE_SIZE, which PageSizePlugin applies;
 * - above GRAPHQL_MAX_PAGE_SIZE: the maximum (PageSizePlugin refuses such a page with ST003 anyway).
 *
 * It is computed twice: by a validation rule (HTTP and websocket, cached with the document),
 * where a variable without a default counts 1 because its value is not known yet, and by a
 * grafast `execute` / `subscribe` middleware with the request's variable values, before any
 * step runs. So a nested query whose page sizes come from `$n` or from the default is refused
 * before it reads a single row, whatever the mix of variables, defaults, aliases and fragments.
 */
import {
  GraphQLError,
  Kind,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
  type ValueNode,
} from "postgraphile/graphql";

export interface CostSettings {
  maxCost: number;
  defaultPageSize: number;
  maxPageSize: number;
}

const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.5;

export const COST_HINT =
  " Split the request or select fewer fields (each object costs 2, each scalar 1, times 1.5 per level of depth, times the page size of every connection: first/last, a variable's value, or the default page size when none is given).";

/**
 * `variables`: the request's variable values, or null at validation time (unknown: a variable
 * without a default then counts 1 and the execution-time check decides).
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Readonly<Record<string, unknown>> | null,
  settings: Pick<CostSettings, "defaultPageSize" | "maxPageSize">,
): number {
  const defaults = new Map<string, ValueNode | undefined>();
  for (const def of operation.variableDefinitions ?? []) defaults.set(def.variable.name.value, def.defaultValue);

  /** A page-size argument: a number, null (not given / null) or "unknown" (a variable at validation time). */
  const pageValue = (value: ValueNode | undefined): number | "unknown" | null => {
    if (!value || value.kind === Kind.NULL) return null;
    if (value.kind === Kind.INT) return Number(value.value); // literal: as written (graphql-armor's count)
    if (value.kind === Kind.VARIABLE) {
      const name = value.name.value;
      if (variables && variables[name] !== undefined) {
        const v = variables[name];
        if (v === null) return null;
        // Above the maximum PageSizePlugin refuses it (ST003); a non-number fails coercion. Count the maximum.
        return typeof v === "number" && Number.isFinite(v) ? Math.min(v, settings.maxPageSize) : settings.maxPageSize;
      }
      const fallback = defaults.get(name);
      if (fallback) return pageValue(fallback);
      return variables ? null : "unknown";
    }
    return settings.maxPageSize; // not an Int: graphql-js refuses it; count the worst case
  };

  const pageSize = (field: GraphQLField<unknown, unknown> | undefined, args: readonly ArgumentNode[]): number => {
    if (!field || !field.args.some((a) => a.name === "first")) return 1;
    const given = ["first", "last"].map((n) => pageValue(args.find((a) => a.name.value === n)?.value));
    const known = given.filter((g): g is number => typeof g === "number");
    if (known.length) return Math.max(1, Math.trunc(Math.max(...known)));
    return given.includes("unknown") ? 1 : settings.defaultPageSize;
  };

  const visiting = new Set<string>();
  /** Sum of the selections' costs (a parent adds 1.5 × this). */
  const setCost = (set: SelectionSetNode, parent: GraphQLCompositeType | undefined): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value === "__schema") continue; // introspection has its own switch (graphql-armor ignores it too)
        if (!sel.selectionSet) {
          total += SCALAR_COST;
          continue;
        }
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[sel.name.value] : undefined;
        const named = field ? getNamedType(field.type) : undefined;
        const child = named && isCompositeType(named) ? named : undefined;
        total += (OBJECT_COST + DEPTH_FACTOR * setCost(sel.selectionSet, child)) * pageSize(field, sel.arguments ?? []);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : undefined;
        total += OBJECT_COST + DEPTH_FACTOR * setCost(sel.selectionSet, cond && isCompositeType(cond) ? cond : parent);
      } else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue; // unknown or cyclic: graphql-js's own rules refuse it
        visiting.add(name);
        const cond = schema.getType(fragment.typeCondition.name.value);
        total +=
          SCALAR_COST +
          DEPTH_FACTOR * (OBJECT_COST + DEPTH_FACTOR * setCost(fragment.selectionSet, cond && isCompositeType(cond) ? cond : parent));
        visiting.delete(name);
      }
    }
    return total;
  };

  const root = schema.getRootType(operation.operation);
  return setCost(operation.selectionSet, root ?? undefined);
}

export function costError(max: number, found: number): GraphQLError {
  return new GraphQLError(`Query Cost limit of ${max} exceeded, found ${Math.round(found * 100) / 100}.${COST_HINT}`, {
    extensions: { code: "LIMIT_EXCEEDED", limit: "GRAPHQL_MAX_COST", max },
  });
}

/** The validation-time check (variables not known yet). */
export function costLimitValidationRule(settings: CostSettings): ValidationRule {
  return (context) => {
    const document = context.getDocument();
    const fragments = fragmentMap(document);
    return {
      OperationDefinition(operation) {
        const cost = operationCost(context.getSchema(), operation, fragments, null, settings);
        if (cost > settings.maxCost) {
          const error = costError(settings.maxCost, cost);
          context.reportError(new GraphQLError(error.message, { nodes: [operation], extensions: error.extensions }));
        }
      },
    };
  };
}

function fragmentMap(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) map.set(def.name.value, def);
  return map;
}

/** The operation that will run (by operationName, or the only one). */
function selectedOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/** Marks a request context whose operation the server wrote and bounded itself (the REST routes). */
export const SERVER_OPERATION = Symbol("serverOperation");

interface CostArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  variableValues?: Readonly<Record<string, unknown>> | null;
  operationName?: string | null;
  requestContext?: object;
}

/** The cost with the request's variables, or the refusal when it is over the limit (null: it may run). */
export function executionCostRefusal(args: CostArgs, settings: CostSettings): GraphQLError | null {
  if (args.requestContext && (args.requestContext as Record<symbol, unknown>)[SERVER_OPERATION]) return null;
  const operation = selectedOperation(args.document, args.operationName);
  if (!operation) return null; // grafast answers the missing / ambiguous operation itself
  const cost = operationCost(args.schema, operation, fragmentMap(args.document), args.variableValues ?? {}, settings);
  return cost > settings.maxCost ? costError(settings.maxCost, cost) : null;
}
