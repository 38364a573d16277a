// Query cost, from the demand-control directives the subgraphs put in the supergraph.
//
//   cost(field) = @cost of the field (and of each argument given) + n × (cost of its type + cost(selection))
//
// The type's cost is its own @cost, else 1 for an object, interface or union (something a
// resolver produces) and 0 for a scalar or enum (read off its parent). n is 1 for a single
// value; for a list it comes from @listSize: the largest slicing argument given (`first`,
// `last`), else its `assumedSize`, else DEFAULT_LIST_SIZE. A connection (`sizedFields:
// ["edges", "nodes"]`) costs 1 and its edges and nodes n each. Each root field of a mutation
// costs MUTATION_COST more. Introspection costs 1 per root field and is not walked.
//
// Per-request code here avoids `?.` and `??`: the gateway's TypeScript loader (sucrase) turns
// them into helper calls that cost more than the walk itself.
//
// The estimate is computed from the document and its variables alone, before any subgraph is
// called, each fragment costed once per size (a fragment bomb costs what its text says). The
// actual cost applies the same rule to the response: the real length of every list.
import {
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export const DEFAULT_LIST_SIZE = 10;
export const MUTATION_COST = 10;
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

type ListSize = { assumedSize?: number; slicingArguments: string[]; sizedFields: string[] };
type FieldCost = { weight: number; argumentWeights: Map<string, number>; listSize?: ListSize; list: boolean };
type Variables = Record<string, unknown> | null | undefined;

function directive(nodes: readonly DirectiveNode[] | undefined, name: string): DirectiveNode | undefined {
  if (!nodes) return undefined;
  for (const d of nodes) if (d.name.value === name) return d;
  return undefined;
}

function argument(node: DirectiveNode, name: string): ValueNode | undefined {
  if (!node.arguments) return undefined;
  for (const a of node.arguments) if (a.name.value === name) return a.value;
  return undefined;
}

function literalInt(value: ValueNode | undefined): number | undefined {
  return value !== undefined && value.kind === Kind.INT ? Number(value.value) : undefined;
}

function literalStrings(value: ValueNode | undefined): string[] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : []));
}

/** The cost directives of a schema, read once per schema (the supergraph keeps them on the AST). */
class CostModel {
  private readonly fields = new Map<GraphQLField<unknown, unknown>, FieldCost>();
  private readonly types = new Map<GraphQLNamedType, number>();

  field(def: GraphQLField<unknown, unknown>): FieldCost {
    let known = this.fields.get(def);
    if (!known) {
      const directives = def.astNode?.directives;
      const cost = directive(directives, 'cost');
      const sized = directive(directives, 'listSize');
      const argumentWeights = new Map<string, number>();
      for (const arg of def.args) {
        const weight = literalInt(directive(arg.astNode?.directives, 'cost') && argument(directive(arg.astNode?.directives, 'cost')!, 'weight'));
        if (weight) argumentWeights.set(arg.name, weight);
      }
      known = {
        weight: (cost && literalInt(argument(cost, 'weight'))) ?? 0,
        argumentWeights,
        list: isListType(getNullableType(def.type)),
        listSize: sized && {
          assumedSize: literalInt(argument(sized, 'assumedSize')),
          slicingArguments: literalStrings(argument(sized, 'slicingArguments')),
          sizedFields: literalStrings(argument(sized, 'sizedFields')),
        },
      };
      this.fields.set(def, known);
    }
    return known;
  }

  type(type: GraphQLNamedType): number {
    let known = this.types.get(type);
    if (known === undefined) {
      const nodes = [type.astNode, ...(type.extensionASTNodes ?? [])];
      const weights = nodes.flatMap((n) => {
        const cost = directive(n?.directives, 'cost');
        const w = cost && literalInt(argument(cost, 'weight'));
        return w === undefined ? [] : [w];
      });
      known = weights.length ? Math.max(...weights) : isCompositeType(type) ? 1 : 0;
      this.types.set(type, known);
    }
    return known;
  }
}

const models = new WeakMap<GraphQLSchema, CostModel>();
function modelOf(schema: GraphQLSchema): CostModel {
  let model = models.get(schema);
  if (!model) models.set(schema, (model = new CostModel()));
  return model;
}

/** Reads a variable's value (and lets the estimate note which variables it depended on). */
type Lookup = (name: string) => unknown;

function valueOf(node: ValueNode | undefined, variables: Lookup): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables(node.name.value);
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.BOOLEAN) return node.value;
  if (node.kind === Kind.NULL) return null;
  return undefined;
}

/** False when @skip / @include leave the selection out. */
function included(directives: readonly DirectiveNode[] | undefined, variables: Lookup): boolean {
  if (!directives || directives.length === 0) return true;
  const skip = directive(directives, 'skip');
  if (skip && valueOf(argument(skip, 'if'), variables) === true) return false;
  const include = directive(directives, 'include');
  return !(include && valueOf(argument(include, 'if'), variables) === false);
}

function givenArguments(node: FieldNode): Map<string, ArgumentNode> {
  return new Map((node.arguments || []).map((a) => [a.name.value, a]));
}

function fieldsOf(type: GraphQLNamedType): Record<string, GraphQLField<unknown, unknown>> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? (type.getFields() as Record<string, GraphQLField<unknown, unknown>>) : undefined;
}

function listLength(def: GraphQLField<unknown, unknown>, spec: ListSize | undefined, node: FieldNode, variables: Lookup): number {
  if (spec && spec.slicingArguments.length) {
    const given = givenArguments(node);
    let size: number | undefined;
    for (const name of spec.slicingArguments) {
      const arg = given.get(name);
      const declared = arg ? undefined : def.args.find((a) => a.name === name);
      const value = arg ? valueOf(arg.value, variables) : declared && declared.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size === undefined ? 0 : size, Math.max(0, Math.floor(value)));
    }
    if (size !== undefined) return size;
  }
  return spec && spec.assumedSize !== undefined ? spec.assumedSize : DEFAULT_LIST_SIZE;
}

type Estimates = { reads: string[]; costs: Map<string, number> };
const estimates = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Estimates>>>();
const MAX_ESTIMATES_PER_DOCUMENT = 64;

/**
 * The estimated cost of the operation to run (0 when there is none: validation will say why).
 * Remembered per document and the values of the variables it depended on (`first`, an @include
 * flag), so a repeated operation is costed once.
 */
export function estimateCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Variables): number {
  let byDocument = estimates.get(schema);
  if (!byDocument) estimates.set(schema, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(document);
  if (!byOperation) byDocument.set(document, (byOperation = new Map()));
  const known = byOperation.get(operationName || '');
  const keyOf = (names: string[]) => JSON.stringify(names.map((n) => (variables ? variables[n] : undefined)));
  if (known) {
    const cost = known.costs.get(keyOf(known.reads));
    if (cost !== undefined) return cost;
  }
  const reads = new Set<string>();
  const cost = estimateUncached(schema, document, operationName, (name) => {
    reads.add(name);
    return variables ? variables[name] : undefined;
  });
  // Other values can make the estimate read other variables (an @include that now holds a
  // `first: $n`): then it is keyed by all of them from now on.
  let entry = known;
  if (!entry || [...reads].some((name) => !entry!.reads.includes(name))) {
    entry = { reads: [...new Set([...(known ? known.reads : []), ...reads])].sort(), costs: new Map<string, number>() };
    byOperation.set(operationName || '', entry);
  }
  if (entry.costs.size >= MAX_ESTIMATES_PER_DOCUMENT) entry.costs.clear();
  entry.costs.set(keyOf(entry.reads), cost);
  return cost;
}

function estimateUncached(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Lookup): number {
  const operation = getOperationAST(document, operationName || undefined);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return 0;
  const model = modelOf(schema);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const memo = new Map<string, number>();
  const visiting = new Set<string>();

  // `sized`: inside a connection, the fields whose lists have the connection's length.
  const selection = (set: SelectionSetNode, parent: GraphQLNamedType, sized?: { fields: string[]; n: number }): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (!included(sel.directives, variables)) continue;
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        if (type) total += selection(sel.selectionSet, type, sized);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const name = sel.name.value;
        const key = `${name}|${sized ? `${sized.fields.join(',')}:${sized.n}` : ''}`;
        let cost = memo.get(key);
        if (cost === undefined) {
          const fragment = fragments.get(name);
          const type = fragment && schema.getType(fragment.typeCondition.name.value);
          if (!fragment || !type || visiting.has(name)) cost = 0;
          else {
            visiting.add(name);
            cost = selection(fragment.selectionSet, type, sized);
            visiting.delete(name);
          }
          memo.set(key, cost);
        }
        total += cost;
        continue;
      }
      const name = sel.name.value;
      if (name === '__typename') continue;
      if (INTROSPECTION_ROOTS.has(name)) {
        total += 1;
        continue;
      }
      const fields = fieldsOf(parent);
      const def = fields && fields[name];
      if (!def) continue;
      const spec = model.field(def);
      const type = getNamedType(def.type);
      let own = spec.weight;
      if (sel.arguments && spec.argumentWeights.size) for (const arg of sel.arguments) own += spec.argumentWeights.get(arg.name.value) || 0;
      if (spec.listSize && spec.listSize.sizedFields.length) {
        const n = listLength(def, spec.listSize, sel, variables);
        total += own + model.type(type) + (sel.selectionSet ? selection(sel.selectionSet, type, { fields: spec.listSize.sizedFields, n }) : 0);
        continue;
      }
      const n = spec.list ? (sized && sized.fields.includes(name) ? sized.n : listLength(def, spec.listSize, sel, variables)) : 1;
      const child = sel.selectionSet ? selection(sel.selectionSet, type) : 0;
      total += own + n * (model.type(type) + child);
    }
    return total;
  };

  let cost = selection(operation.selectionSet, root);
  if (operation.operation === 'mutation') {
    cost += MUTATION_COST * operation.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && s.name.value !== '__typename').length;
  }
  return cost;
}

/** A response key of a selection set, as execution merges it, with what is known of it. */
type Plan = {
  key: string;
  name: string;
  nodes: FieldNode[];
  children?: Plan[];
  resolved: Map<GraphQLNamedType, Resolved | null>;
};
/** A field on one parent type; `free` when nothing under it can cost (skipped in the walk). */
type Resolved = { own: number; type: GraphQLNamedType; free: boolean };

const actualPlans = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Plan[]>>>();
const conditional = new WeakMap<DocumentNode, boolean>();

/** True when the document uses @skip or @include anywhere. */
function hasConditions(document: DocumentNode): boolean {
  let known = conditional.get(document);
  if (known === undefined) {
    known = false;
    const stack: unknown[] = [...document.definitions];
    while (stack.length && !known) {
      const node = stack.pop() as { directives?: readonly DirectiveNode[]; selectionSet?: SelectionSetNode };
      if (node.directives && node.directives.some((d) => d.name.value === 'skip' || d.name.value === 'include')) known = true;
      if (node.selectionSet) stack.push(...node.selectionSet.selections);
    }
    conditional.set(document, known);
  }
  return known;
}

/** The cost of what was actually returned: the same rule with every list's real length. */
export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Variables,
  data: unknown,
): number {
  const operation = getOperationAST(document, operationName || undefined);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root || data == null || typeof data !== 'object') return 0;
  const model = modelOf(schema);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const lookup: Lookup = (name) => (variables ? variables[name] : undefined);

  // Field nodes by response key (each fragment once per selection set), computed once per
  // selection and reused for every object of a list.
  const plansFor = (sets: SelectionSetNode[]): Plan[] => {
    const byKey = new Map<string, Plan>();
    const seen = new Set<string>();
    const collect = (set: SelectionSetNode) => {
      for (const sel of set.selections) {
        if (!included(sel.directives, lookup)) continue;
        if (sel.kind === Kind.FIELD) {
          const key = sel.alias ? sel.alias.value : sel.name.value;
          const plan = byKey.get(key);
          if (plan) plan.nodes.push(sel);
          else byKey.set(key, { key, name: sel.name.value, nodes: [sel], resolved: new Map() });
        } else if (sel.kind === Kind.INLINE_FRAGMENT) collect(sel.selectionSet);
        else if (!seen.has(sel.name.value) && fragments.has(sel.name.value)) {
          seen.add(sel.name.value);
          collect(fragments.get(sel.name.value)!.selectionSet);
        }
      }
    };
    for (const set of sets) collect(set);
    return [...byKey.values()].filter((p) => p.name !== '__typename');
  };
  const childrenOf = (plan: Plan): Plan[] | undefined => {
    if (plan.children === undefined) {
      const sets = plan.nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      plan.children = sets.length ? plansFor(sets) : [];
    }
    return plan.children.length ? plan.children : undefined;
  };
  const resolve = (plan: Plan, parent: GraphQLNamedType): Resolved | null => {
    let known = plan.resolved.get(parent);
    if (known === undefined) {
      const fields = fieldsOf(parent);
      const def = fields && fields[plan.name];
      if (!def) known = null;
      else {
        const spec = model.field(def);
        let own = spec.weight;
        for (const arg of plan.nodes[0].arguments || []) own += spec.argumentWeights.get(arg.name.value) || 0;
        const type = getNamedType(def.type);
        plan.resolved.set(parent, null); // a recursive selection is costed, never assumed free
        const children = childrenOf(plan);
        const free =
          own === 0 && model.type(type) === 0 && (!children || children.every((c) => { const r = resolve(c, type); return r !== null && r.free; }));
        known = { own, type, free };
      }
      plan.resolved.set(parent, known);
    }
    return known;
  };
  const types = new Map<string, GraphQLNamedType | undefined>();
  const concreteType = (value: Record<string, unknown>, parent: GraphQLNamedType): GraphQLNamedType => {
    const typename = value.__typename;
    if (typeof typename !== 'string') return parent;
    if (!types.has(typename)) types.set(typename, schema.getType(typename) || undefined);
    return types.get(typename) || parent;
  };

  const objectCost = (value: Record<string, unknown>, parent: GraphQLNamedType, plans: Plan[]): number => {
    const type = concreteType(value, parent);
    let total = 0;
    for (const plan of plans) {
      const field = value[plan.key];
      if (field === undefined) continue;
      if (INTROSPECTION_ROOTS.has(plan.name)) {
        total += 1;
        continue;
      }
      const resolved = resolve(plan, type) || resolve(plan, parent);
      if (resolved && !resolved.free) total += resolved.own + valueCost(field, resolved.type, plan);
    }
    return total;
  };
  const valueCost = (value: unknown, type: GraphQLNamedType, plan: Plan): number => {
    if (value == null) return 0;
    if (Array.isArray(value)) {
      let sum = 0;
      for (const item of value) sum += valueCost(item, type, plan);
      return sum;
    }
    const own = model.type(type);
    if (typeof value !== 'object') return own;
    const children = childrenOf(plan);
    return children ? own + objectCost(value as Record<string, unknown>, type, children) : own;
  };

  // The plans (and what they resolved to) are kept with the document unless @skip / @include
  // make them depend on the variables.
  let byDocument = actualPlans.get(schema);
  if (!byDocument) actualPlans.set(schema, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(document);
  if (!byOperation) byDocument.set(document, (byOperation = new Map()));
  let plans = byOperation.get(operationName || '');
  if (!plans) {
    plans = plansFor([operation.selectionSet]);
    if (!hasConditions(document)) byOperation.set(operationName || '', plans);
  }
  let cost = objectCost(data as Record<string, unknown>, root, plans);
  if (operation.operation === 'mutation') {
    cost += MUTATION_COST * operation.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && s.name.value !== '__typename').length;
  }
  return cost;
}
