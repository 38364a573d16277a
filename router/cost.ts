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
  return nodes?.find((d) => d.name.value === name);
}

function argument(node: DirectiveNode, name: string): ValueNode | undefined {
  return node.arguments?.find((a) => a.name.value === name)?.value;
}

function literalInt(value: ValueNode | undefined): number | undefined {
  return value?.kind === Kind.INT ? Number(value.value) : undefined;
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

function valueOf(node: ValueNode | undefined, variables: Variables): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.BOOLEAN) return node.value;
  if (node.kind === Kind.NULL) return null;
  return undefined;
}

/** False when @skip / @include leave the selection out. */
function included(directives: readonly DirectiveNode[] | undefined, variables: Variables): boolean {
  if (!directives?.length) return true;
  const skip = directive(directives, 'skip');
  if (skip && valueOf(argument(skip, 'if'), variables) === true) return false;
  const include = directive(directives, 'include');
  return !(include && valueOf(argument(include, 'if'), variables) === false);
}

function givenArguments(node: FieldNode): Map<string, ArgumentNode> {
  return new Map((node.arguments ?? []).map((a) => [a.name.value, a]));
}

function fieldsOf(type: GraphQLNamedType): Record<string, GraphQLField<unknown, unknown>> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? (type.getFields() as Record<string, GraphQLField<unknown, unknown>>) : undefined;
}

function listLength(def: GraphQLField<unknown, unknown>, spec: ListSize | undefined, node: FieldNode, variables: Variables): number {
  if (spec?.slicingArguments.length) {
    const given = givenArguments(node);
    let size: number | undefined;
    for (const name of spec.slicingArguments) {
      const arg = given.get(name);
      const value = arg ? valueOf(arg.value, variables) : def.args.find((a) => a.name === name)?.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, Math.max(0, Math.floor(value)));
    }
    if (size !== undefined) return size;
  }
  return spec?.assumedSize ?? DEFAULT_LIST_SIZE;
}

/** The estimated cost of the operation to run (0 when there is none: validation will say why). */
export function estimateCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Variables): number {
  const operation = getOperationAST(document, operationName ?? undefined);
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
      const def = fieldsOf(parent)?.[name];
      if (!def) continue;
      const spec = model.field(def);
      const type = getNamedType(def.type);
      let own = spec.weight;
      for (const arg of sel.arguments ?? []) own += spec.argumentWeights.get(arg.name.value) ?? 0;
      if (spec.listSize?.sizedFields.length) {
        const n = listLength(def, spec.listSize, sel, variables);
        total += own + model.type(type) + (sel.selectionSet ? selection(sel.selectionSet, type, { fields: spec.listSize.sizedFields, n }) : 0);
        continue;
      }
      const n = spec.list ? (sized?.fields.includes(name) ? sized.n : listLength(def, spec.listSize, sel, variables)) : 1;
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

/** The cost of what was actually returned: the same rule with every list's real length. */
export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Variables,
  data: unknown,
): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root || data == null || typeof data !== 'object') return 0;
  const model = modelOf(schema);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  // Field nodes by response key, as execution merges them (each fragment once per object).
  const collect = (set: SelectionSetNode, into: Map<string, FieldNode[]>, seen: Set<string>) => {
    for (const sel of set.selections) {
      if (!included(sel.directives, variables)) continue;
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        const list = into.get(key);
        if (list) list.push(sel);
        else into.set(key, [sel]);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) collect(sel.selectionSet, into, seen);
      else if (!seen.has(sel.name.value) && fragments.has(sel.name.value)) {
        seen.add(sel.name.value);
        collect(fragments.get(sel.name.value)!.selectionSet, into, seen);
      }
    }
  };
  const collected = new WeakMap<readonly FieldNode[] | SelectionSetNode, Map<string, FieldNode[]>>();
  const fieldsFor = (key: readonly FieldNode[] | SelectionSetNode, sets: SelectionSetNode[]) => {
    let fields = collected.get(key);
    if (!fields) {
      fields = new Map();
      const seen = new Set<string>();
      for (const set of sets) collect(set, fields, seen);
      collected.set(key, fields);
    }
    return fields;
  };

  const objectCost = (value: Record<string, unknown>, parent: GraphQLNamedType, fields: Map<string, FieldNode[]>): number => {
    const typename = value.__typename;
    const concrete = (typeof typename === 'string' && schema.getType(typename)) || parent;
    let total = 0;
    for (const [key, nodes] of fields) {
      const name = nodes[0].name.value;
      if (name === '__typename' || !(key in value)) continue;
      if (INTROSPECTION_ROOTS.has(name)) {
        total += 1;
        continue;
      }
      const def = fieldsOf(concrete)?.[name] ?? fieldsOf(parent)?.[name];
      if (!def) continue;
      const spec = model.field(def);
      const type = getNamedType(def.type);
      let own = spec.weight;
      for (const arg of nodes[0].arguments ?? []) own += spec.argumentWeights.get(arg.name.value) ?? 0;
      const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      const children = sets.length ? fieldsFor(nodes, sets) : undefined;
      total += own + valueCost(value[key], type, children);
    }
    return total;
  };
  const valueCost = (value: unknown, type: GraphQLNamedType, children: Map<string, FieldNode[]> | undefined): number => {
    if (value == null) return 0;
    if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + valueCost(item, type, children), 0);
    const own = model.type(type);
    return typeof value === 'object' && children ? own + objectCost(value as Record<string, unknown>, type, children) : own;
  };

  let cost = objectCost(data as Record<string, unknown>, root, fieldsFor(operation.selectionSet, [operation.selectionSet]));
  if (operation.operation === 'mutation') {
    cost += MUTATION_COST * operation.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && s.name.value !== '__typename').length;
  }
  return cost;
}
