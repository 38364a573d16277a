// The operation a request runs, alone in its document.
//
// The Rust query planner fails (a 500) on a document that holds a mutation beside the query it
// is asked to run, or the other way round: valid GraphQL that a client may well send (GraphiQL
// tabs, a client's operations file). The edge hands the server only the operation named by
// `operationName`, with the fragments it uses, so the planner never sees the others.
import { Kind, print, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** The document reduced to the named operation, or undefined when it has only one. */
export function selectedOperation(document: DocumentNode, operationName: string | null | undefined): DocumentNode | undefined {
  let operations = 0;
  for (const def of document.definitions) if (def.kind === Kind.OPERATION_DEFINITION) operations += 1;
  if (operations < 2 || !operationName) return undefined;
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name !== undefined && d.name.value === operationName);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const used: FragmentDefinitionNode[] = [];
  const seen = new Set<string>();
  const stack: SelectionSetNode[] = [operation.selectionSet];
  while (stack.length) {
    for (const sel of stack.pop()!.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(sel.name.value);
        if (fragment && !seen.has(fragment.name.value)) {
          seen.add(fragment.name.value);
          used.push(fragment);
          stack.push(fragment.selectionSet);
        }
      } else if (sel.selectionSet) stack.push(sel.selectionSet);
    }
  }
  return { kind: Kind.DOCUMENT, definitions: [operation, ...used] };
}

/** The selected operation's document and text, remembered per document and operation name. */
export class SelectedOperations {
  private readonly known = new WeakMap<DocumentNode, Map<string, { document: DocumentNode; query: string } | null>>();

  of(document: DocumentNode, operationName: string | null | undefined): { document: DocumentNode; query: string } | null {
    if (!operationName) return null;
    let byName = this.known.get(document);
    if (!byName) this.known.set(document, (byName = new Map()));
    let found = byName.get(operationName);
    if (found === undefined) {
      const reduced = selectedOperation(document, operationName);
      found = reduced ? { document: reduced, query: print(reduced) } : null;
      if (byName.size < 64) byName.set(operationName, found);
    }
    return found;
  }
}
