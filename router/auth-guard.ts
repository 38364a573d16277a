// Keeps generic-auth's field removal cheap and correct: stable documents for the Rust planner's
// plan cache, and `data: null` when a removed root field was non-null (see useAuthResultGuard).
import type { GatewayPlugin } from '@graphql-hive/gateway';
import {
  getOperationAST,
  isNonNullType,
  Kind,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type SelectionSetNode,
} from 'graphql';

/** Response keys and field names of an operation's root selection (through fragments). */
export function rootFieldsOf(document: DocumentNode, operationName?: string | null) {
  const operation = getOperationAST(document, operationName);
  const fields = new Map<string, string>(); // response key -> field name
  if (!operation) return { operation, fields };
  const fragments = new Map<string, SelectionSetNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def.selectionSet);
  }
  const seen = new Set<string>();
  const collect = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) fields.set(sel.alias?.value ?? sel.name.value, sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) collect(sel.selectionSet);
      else if (!seen.has(sel.name.value) && fragments.has(sel.name.value)) {
        seen.add(sel.name.value);
        collect(fragments.get(sel.name.value)!);
      }
    }
  };
  collect(operation.selectionSet);
  return { operation, fields };
}

/**
 * Wraps generic-auth's field removal (it rewrites `args.document` in onExecute/onSubscribe,
 * then adds its errors and nulls the denied paths in the result):
 *  - a removed root field is non-null (every mutation payload here is `Payload!`): nothing is
 *    planned or sent to any subgraph, the answer is `data: null` with the auth errors (GraphQL
 *    null propagation, and no half-run mutation);
 *  - every root field was removed (all nullable): nothing is sent either (the Rust planner
 *    fails on an empty selection set), the answer is the nulled fields with the errors;
 *  - otherwise the remaining fields run and the denied ones come back null. Below the root
 *    they are nulled, not propagated: put router-enforced directives on nullable fields there.
 * generic-auth also drops a field whose whole sub-selection was denied (`products { costCents }`
 * without the scope drops `products`), so that counts as a removed root field too.
 */
export function useAuthResultGuard(): { before: GatewayPlugin; after: GatewayPlugin } {
  const original = new WeakMap<object, DocumentNode>();
  // generic-auth hands every operation on as a fresh document object, even when it removed
  // nothing, and the Rust planner caches plans by document identity: without this, every
  // request would be planned again. Nothing removed -> the original (cached) document; fields
  // removed -> one stable document per original and removal shape.
  const stripped = new WeakMap<DocumentNode, Map<string, DocumentNode>>();
  const remember = ({ args }: any) => {
    original.set(args, args.document);
  };
  const canonicalize = (args: ExecutionArgs) => {
    const before = original.get(args);
    const after = args.document;
    if (!before || before === after) return;
    // Removal rebuilds the selection sets on the way up, untouched ones are reused.
    const unchanged =
      before.definitions.length === after.definitions.length &&
      before.definitions.every((def, i) => (def as any).selectionSet === (after.definitions[i] as any).selectionSet);
    if (unchanged) {
      (args as any).document = before;
      return;
    }
    let shapes = stripped.get(before);
    if (!shapes) stripped.set(before, (shapes = new Map()));
    const key = print(after);
    const known = shapes.get(key);
    if (known) (args as any).document = known;
    else if (shapes.size < 16) shapes.set(key, after);
  };
  /** 'null': answer data: null; 'skip': nothing left to run, answer the nulled fields only. */
  const decide = (args: ExecutionArgs): 'null' | 'skip' | undefined => {
    const before = original.get(args);
    if (!before || before === args.document) return undefined; // nothing removed
    const { operation, fields: wanted } = rootFieldsOf(before, args.operationName);
    if (!operation) return undefined;
    const { fields: kept } = rootFieldsOf(args.document, args.operationName);
    const rootFields = args.schema.getRootType(operation.operation)?.getFields() ?? {};
    for (const [key, name] of wanted) {
      const field = rootFields[name];
      if (!kept.has(key) && field && isNonNullType(field.type)) return 'null';
    }
    return kept.size === 0 ? 'skip' : undefined;
  };
  const forceNullData = ({ result, setResult }: { result: any; setResult: (r: ExecutionResult) => void }) => {
    if (result && !(Symbol.asyncIterator in result)) setResult({ ...result, data: null });
  };
  return {
    before: { onExecute: remember, onSubscribe: remember } as GatewayPlugin,
    after: {
      onExecute({ args, setResultAndStopExecution }: any) {
        canonicalize(args);
        const outcome = decide(args);
        if (!outcome) return undefined;
        setResultAndStopExecution({ data: outcome === 'null' ? null : {} });
        return outcome === 'null' ? { onExecuteDone: forceNullData } : undefined;
      },
      onSubscribe({ args, setResultAndStopExecution }: any) {
        canonicalize(args);
        const outcome = decide(args);
        if (!outcome) return undefined;
        setResultAndStopExecution({ data: outcome === 'null' ? null : {} });
        return outcome === 'null' ? { onSubscribeResult: forceNullData } : undefined;
      },
    } as GatewayPlugin,
  };
}
