// Structural limits on a GraphQL document, checked by the router before validation and planning.
//
// One pass over the document measures what an abusive operation inflates: its depth (through
// fragments, each fragment measured once, so a "fragment bomb" costs what its text costs), the
// aliases, the directives and the root fields. The token count is enforced while parsing
// (graphql-js stops at `maxTokens`), so an oversized document is never fully parsed.
// Introspection (`__schema`, `__type`) is measured apart: GraphiQL's own introspection query is
// deeper than any data query needs, and it is answered by the router without the planner.
import {
  GraphQLError,
  Kind,
  parse,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export type Limits = {
  maxTokens: number;
  maxDepth: number;
  maxIntrospectionDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxRootFields: number;
};

export const DEFAULT_LIMITS: Limits = {
  maxTokens: 4000,
  maxDepth: 12,
  maxIntrospectionDepth: 20,
  maxAliases: 30,
  maxDirectives: 50,
  maxRootFields: 20,
};

export type Measures = { depth: number; introspectionDepth: number; aliases: number; directives: number; rootFields: number };

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/** What an operation would have to be refused for: one coded error (HTTP 400). */
export function tooComplex(limit: string, max: number, actual: number, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, actual, http: { status: 400 } },
  });
}

/**
 * Parse with the token limit. A document over it is refused with QUERY_TOO_COMPLEX; any other
 * syntax error returns undefined and is left to the server's own parser to report as usual.
 */
export function parseWithin(query: string, maxTokens: number): DocumentNode | GraphQLError | undefined {
  try {
    return parse(query, { noLocation: true, maxTokens });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('tokens. Parsing aborted')) {
      return tooComplex('tokens', maxTokens, maxTokens + 1, `The document has more than ${maxTokens} tokens.`);
    }
    return undefined;
  }
}

function countDirectives(node: unknown): number {
  // Directives sit on operations, fragments, fields, spreads and variable definitions.
  let count = 0;
  const stack: unknown[] = [node];
  while (stack.length) {
    const current = stack.pop() as Record<string, unknown> | undefined;
    if (!current || typeof current !== 'object') continue;
    const directives = current.directives as unknown[] | undefined;
    if (directives) count += directives.length;
    const selections = (current.selectionSet as SelectionSetNode | undefined)?.selections;
    if (selections) stack.push(...selections);
    const variables = current.variableDefinitions as unknown[] | undefined;
    if (variables) stack.push(...variables);
  }
  return count;
}

export function measure(document: DocumentNode): Measures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  // depth of a selection set: [data depth, introspection depth]; fragments memoized, cycles cut
  // (validation refuses a cycle afterwards).
  const memo = new Map<string, [number, number]>();
  const visiting = new Set<string>();
  const depthOf = (set: SelectionSetNode | undefined, inIntrospection: boolean): [number, number] => {
    if (!set) return [0, 0];
    let data = 0;
    let introspection = 0;
    for (const sel of set.selections) {
      let d: [number, number];
      if (sel.kind === Kind.FIELD) {
        const entering = inIntrospection || INTROSPECTION_ROOTS.has(sel.name.value);
        const [cd, ci] = depthOf(sel.selectionSet, entering);
        d = entering ? [0, 1 + Math.max(cd, ci)] : [1 + cd, ci > 0 ? 1 + ci : 0];
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        d = depthOf(sel.selectionSet, inIntrospection);
      } else {
        const name = sel.name.value;
        const key = `${name}|${inIntrospection}`;
        const known = memo.get(key);
        if (known) d = known;
        else if (visiting.has(name) || !fragments.has(name)) d = [0, 0];
        else {
          visiting.add(name);
          d = depthOf(fragments.get(name)!.selectionSet, inIntrospection);
          visiting.delete(name);
          memo.set(key, d);
        }
      }
      data = Math.max(data, d[0]);
      introspection = Math.max(introspection, d[1]);
    }
    return [data, introspection];
  };

  let depth = 0;
  let introspectionDepth = 0;
  let aliases = 0;
  let rootFields = 0;
  const countAliases = (set: SelectionSetNode | undefined) => {
    if (!set) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD && sel.alias) aliases += 1;
      if (sel.kind !== Kind.FRAGMENT_SPREAD) countAliases(sel.selectionSet);
    }
  };
  const rootCount = (set: SelectionSetNode, seen: Set<string>): number =>
    set.selections.reduce((n, sel) => {
      if (sel.kind === Kind.FIELD) return n + 1;
      if (sel.kind === Kind.INLINE_FRAGMENT) return n + rootCount(sel.selectionSet, seen);
      const fragment = fragments.get(sel.name.value);
      if (!fragment || seen.has(sel.name.value)) return n;
      seen.add(sel.name.value);
      return n + rootCount(fragment.selectionSet, seen);
    }, 0);

  let directives = 0;
  for (const def of document.definitions as readonly DefinitionNode[]) {
    if (def.kind !== Kind.OPERATION_DEFINITION && def.kind !== Kind.FRAGMENT_DEFINITION) continue;
    countAliases(def.selectionSet);
    directives += countDirectives(def);
    if (def.kind === Kind.OPERATION_DEFINITION) {
      const [d, i] = depthOf(def.selectionSet, false);
      depth = Math.max(depth, d);
      introspectionDepth = Math.max(introspectionDepth, i);
      rootFields = Math.max(rootFields, rootCount(def.selectionSet, new Set()));
    }
  }
  return { depth, introspectionDepth, aliases, directives, rootFields };
}

/** The first limit the document breaks, as the error to return, or undefined. */
export function violation(measures: Measures, limits: Limits): GraphQLError | undefined {
  if (measures.depth > limits.maxDepth) {
    return tooComplex('depth', limits.maxDepth, measures.depth, `The operation is nested ${measures.depth} levels deep; the limit is ${limits.maxDepth}.`);
  }
  if (measures.introspectionDepth > limits.maxIntrospectionDepth) {
    return tooComplex(
      'introspectionDepth',
      limits.maxIntrospectionDepth,
      measures.introspectionDepth,
      `The introspection query is nested ${measures.introspectionDepth} levels deep; the limit is ${limits.maxIntrospectionDepth}.`,
    );
  }
  if (measures.aliases > limits.maxAliases) {
    return tooComplex('aliases', limits.maxAliases, measures.aliases, `The document has ${measures.aliases} aliases; the limit is ${limits.maxAliases}.`);
  }
  if (measures.directives > limits.maxDirectives) {
    return tooComplex('directives', limits.maxDirectives, measures.directives, `The document has ${measures.directives} directives; the limit is ${limits.maxDirectives}.`);
  }
  if (measures.rootFields > limits.maxRootFields) {
    return tooComplex('rootFields', limits.maxRootFields, measures.rootFields, `The operation selects ${measures.rootFields} root fields; the limit is ${limits.maxRootFields}.`);
  }
  return undefined;
}
