/**
 * Abuse limits of the GraphQL API (README "Security"), wired the PostGraphile v5 way:
 *
 * - RequestLimitsPlugin: grafserv's `setPreset` middleware adds validation rules to every
 *   operation (HTTP and websocket): graphql-armor's max-aliases and max-depth rules, its
 *   max-tokens lexer, the project's cost rule (src/graphql/cost.ts: page sizes from literals,
 *   variables and the default page size; checked again with the variable values by a grafast
 *   execute/subscribe middleware before anything runs), graphql-js's NoSchemaIntrospectionCustomRule when
 *   introspection is off, and graphql-armor's field-suggestion masking when suggestions are off.
 *   Every limit error says which limit (and setting) refused the request and what is allowed,
 *   with `extensions.code = "LIMIT_EXCEEDED"` and `extensions.limit` naming the setting.
 * - PageSizePlugin: every connection (and simple list) gets a default page size when neither
 *   `first` nor `last` is given, and `first` / `last` above the maximum are refused (ST003).
 */
import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { MaxTokensParserWLexer } from "@escape.tech/graphql-armor-max-tokens";
import { constant, lambda, list, SafeError, type Step } from "postgraphile/grafast";
import { costLimitValidationRule, executionCostRefusal } from "./cost.js";
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  type ASTVisitor,
  type ValidationContext,
  type ValidationRule,
} from "postgraphile/graphql";

export interface GraphQLLimits {
  maxAliases: number;
  maxDepth: number;
  maxTokens: number;
  maxCost: number;
  defaultPageSize: number;
  maxPageSize: number;
  introspection: boolean;
  fieldSuggestions: boolean;
}

/** graphql-armor's suggestion masking ("Did you mean …?" removed), driven through its own hook. */
const maskSuggestions = (() => {
  // The plugin is written for envelop; its onValidate hook returns the function that rewrites errors.
  type End = (p: { valid: boolean; result: readonly GraphQLError[]; setResult(r: GraphQLError[]): void }) => void;
  const plugin = blockFieldSuggestionsPlugin({ mask: "" }) as unknown as { onValidate(): End };
  const end = plugin.onValidate();
  return (error: GraphQLError): GraphQLError => {
    let out = error;
    end({ valid: false, result: [error], setResult: (r) => void (out = r[0] ?? error) });
    return out;
  };
})();

/**
 * A rule whose reported errors get `extensions` (and, when suggestions are off, no
 * "Did you mean" hints). graphql-armor's messages start "Syntax Error: "; that prefix is
 * dropped, since these are limits, not syntax errors.
 */
function withErrorShape(
  rule: ValidationRule,
  extensions: Record<string, unknown> | null,
  stripSuggestions: boolean,
  hint = "",
): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const shaped = Object.create(context) as ValidationContext;
    shaped.reportError = (error: GraphQLError) => {
      let out = error;
      if (extensions) {
        out = new GraphQLError(`${error.message.replace(/^Syntax Error: /, "")}${hint}`, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          extensions: { ...error.extensions, ...extensions },
        });
      }
      context.reportError(stripSuggestions ? maskSuggestions(out) : out);
    };
    return rule(shaped);
  };
}

/** graphql-armor rules throw by default; report instead, so that all limit errors are listed with a 400. */
const report = { propagateOnRejection: false, onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err)] };

/** graphql-armor's token-counting parser as a validation rule (grafserv parses without it). */
function maxTokensRule(n: number): ValidationRule {
  return (context) => {
    const source = context.getDocument().loc?.source;
    if (source) {
      try {
        new MaxTokensParserWLexer(source, { n }).parseDocument();
      } catch (err) {
        if (err instanceof GraphQLError) context.reportError(err);
        else throw err;
      }
    }
    return {};
  };
}

function limitExtensions(setting: string, max: number) {
  return { code: "LIMIT_EXCEEDED", limit: setting, max };
}

export function limitValidationRules(limits: GraphQLLimits): ValidationRule[] {
  const rules: ValidationRule[] = [
    withErrorShape(
      maxAliasesRule({ n: limits.maxAliases, ...report }),
      limitExtensions("GRAPHQL_MAX_ALIASES", limits.maxAliases),
      false,
      ` At most ${limits.maxAliases} aliases are allowed per operation.`,
    ),
    withErrorShape(
      maxDepthRule({ n: limits.maxDepth, ...report }),
      limitExtensions("GRAPHQL_MAX_DEPTH", limits.maxDepth),
      false,
      ` Selections may nest at most ${limits.maxDepth} levels deep.`,
    ),
    withErrorShape(
      maxTokensRule(limits.maxTokens),
      limitExtensions("GRAPHQL_MAX_TOKENS", limits.maxTokens),
      false,
      ` A document may have at most ${limits.maxTokens} tokens.`,
    ),
    // The cost with the page size every connection really gets (src/graphql/cost.ts); checked again with the variables.
    costLimitValidationRule(limits),
  ];
  if (!limits.introspection) {
    rules.push(withErrorShape(NoSchemaIntrospectionCustomRule, { code: "INTROSPECTION_DISABLED", limit: "GRAPHQL_INTROSPECTION" }, false));
  }
  return rules;
}

/**
 * Wraps graphql-js's own rules so that their errors carry `extensions.code = "GRAPHQL_VALIDATION_FAILED"` (every
 * refusal has a code) and, when suggestions are off, no field/type suggestions.
 */
function withCode(rules: readonly ValidationRule[], stripSuggestions: boolean): ValidationRule[] {
  return rules.map((rule) => withErrorShape(rule, { code: "GRAPHQL_VALIDATION_FAILED" }, stripSuggestions));
}

export function makeRequestLimitsPlugin(limits: GraphQLLimits): GraphileConfig.Plugin {
  const extra = limitValidationRules(limits);
  return {
    name: "RequestLimitsPlugin",
    version: "1.0.0",
    description: "Alias, depth, token and cost limits; introspection and field suggestions switchable",
    grafast: {
      middleware: {
        // The cost with the request's variable values, before any step runs (HTTP, REST and websocket alike).
        execute(next, event) {
          const refusal = executionCostRefusal(event.args, limits);
          return refusal ? { errors: [refusal] } : next();
        },
        subscribe(next, event) {
          const refusal = executionCostRefusal(event.args, limits);
          return refusal ? { errors: [refusal] } : next();
        },
      },
    },
    grafserv: {
      middleware: {
        setPreset(next, event) {
          const rules = withCode(event.validationRules, !limits.fieldSuggestions);
          event.validationRules.splice(0, event.validationRules.length, ...rules, ...extra);
          return next();
        },
      },
    },
  };
}

interface PaginatedArgs {
  first: boolean;
  last: boolean;
  before: boolean;
}

interface Paginable {
  setFirst(step: Step): void;
  setLast(step: Step): void;
}

interface FieldArgsLike {
  getRaw(name: string): Step;
}

/**
 * Default and maximum page size for every connection and simple list. `first` and `last`
 * are applied by this plugin (their own applyPlan is replaced) so that a default can be set
 * when neither is given: `first: defaultPageSize` (or `last: defaultPageSize` when only
 * `before` is given).
 */
export function makePageSizePlugin(limits: Pick<GraphQLLimits, "defaultPageSize" | "maxPageSize">): GraphileConfig.Plugin {
  const paginated = new Map<string, PaginatedArgs>();
  const { defaultPageSize, maxPageSize } = limits;
  const check = (name: "first" | "last", coordinate: string, value: unknown): number | null => {
    if (value === null || value === undefined) return null;
    const n = value as number;
    if (!Number.isInteger(n) || n < 0 || n > maxPageSize) {
      throw new SafeError(
        `${name} must be between 0 and ${maxPageSize} on ${coordinate} (got ${n}); fetch further pages with after: <endCursor> (or offset)`,
        { code: "ST003", field: name, limit: "GRAPHQL_MAX_PAGE_SIZE", max: maxPageSize },
      );
    }
    return n;
  };
  const isCollection = (scope: Record<string, unknown>) => Boolean(scope.isPgFieldConnection || scope.isPgFieldSimpleCollection);
  return {
    name: "PageSizePlugin",
    version: "1.0.0",
    description: "Default and maximum page size (first / last) on every connection",
    after: ["PgFirstLastBeforeAfterArgsPlugin"],
    schema: {
      hooks: {
        GraphQLObjectType_fields_field(field, _build, context) {
          const scope = context.scope as unknown as Record<string, unknown>;
          if (!isCollection(scope) || typeof field.plan !== "function") return field;
          const coordinate = `${context.Self.name}.${String(scope.fieldName)}`;
          const plan = field.plan as (...args: unknown[]) => unknown;
          return {
            ...field,
            plan(...args: unknown[]) {
              const $result = plan(...args);
              const has = paginated.get(coordinate);
              if (!has || !$result) return $result;
              const fieldArgs = args[1] as FieldArgsLike;
              const $conn = $result as Paginable;
              const $first = has.first ? fieldArgs.getRaw("first") : null;
              const $last = has.last ? fieldArgs.getRaw("last") : null;
              const $before = has.before ? fieldArgs.getRaw("before") : null;
              const $given = list([$first ?? constant(null), $last ?? constant(null), $before ?? constant(null)]);
              const $page = lambda($given, ([first, last, before]) => {
                const f = check("first", coordinate, first);
                const l = check("last", coordinate, last);
                if (f === null && l === null)
                  return before != null ? { first: null, last: defaultPageSize } : { first: defaultPageSize, last: null };
                return { first: f, last: l };
              });
              $conn.setFirst(lambda($page, (p) => p.first));
              if (has.last) $conn.setLast(lambda($page, (p) => p.last));
              return $result;
            },
          } as typeof field;
        },
        GraphQLObjectType_fields_field_args(args, _build, context) {
          const scope = context.scope as unknown as Record<string, unknown>;
          if (!isCollection(scope) || !args.first) return args;
          const coordinate = `${context.Self.name}.${String(scope.fieldName)}`;
          paginated.set(coordinate, { first: true, last: Boolean(args.last), before: Boolean(args.before) });
          const applied = { ...args };
          // Applied by the field plan above (with the default and the maximum).
          applied.first = { ...args.first, applyPlan: () => {} };
          if (args.last) applied.last = { ...args.last, applyPlan: () => {} };
          return applied;
        },
      },
    },
  };
}
