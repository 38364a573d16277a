// Trusted documents (persisted operations): the operations our own clients send, by hash.
//
// `npm run trusted-documents` (router/trusted-documents.mjs) writes the manifest
// schema/trusted-documents.json from clients/<client>/*.graphql, in Apollo's persisted query
// manifest format. A client sends `{"documentId": "sha256:<hex>"}` (GraphQL over HTTP) or
// Apollo's `extensions.persistedQuery.sha256Hash` instead of the document.
//
// ROUTER_TRUSTED_DOCUMENTS_ONLY=1 (production with only first-party clients) refuses every
// other document with PERSISTED_QUERY_REQUIRED: an attacker can then only run what our clients
// run. Off (development, GraphiQL, third parties), any document is accepted as well.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';

type Manifest = { format: string; version: number; operations: { id: string; name: string; type: string; body: string }[] };

export type Resolution = { query: string } | { error: GraphQLError } | undefined;

function refused(code: string, message: string): { error: GraphQLError } {
  return { error: new GraphQLError(message, { extensions: { code, http: { status: 400 } } }) };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class TrustedDocuments {
  private readonly bodies = new Map<string, string>();

  constructor(
    manifest: Manifest | undefined,
    readonly only: boolean,
  ) {
    for (const op of manifest?.operations ?? []) this.bodies.set(op.id, op.body);
  }

  static load(path: string | undefined, only: boolean): TrustedDocuments {
    if (!path || !existsSync(path)) {
      if (only) throw new Error(`ROUTER_TRUSTED_DOCUMENTS_ONLY=1 needs the manifest ROUTER_TRUSTED_DOCUMENTS (${path ?? 'unset'})`);
      return new TrustedDocuments(undefined, false);
    }
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (manifest.format !== 'apollo-persisted-query-manifest' || !Array.isArray(manifest.operations)) {
      throw new Error(`${path} is not a persisted query manifest`);
    }
    return new TrustedDocuments(manifest, only);
  }

  get size(): number {
    return this.bodies.size;
  }

  /** The document a request runs: its own, a trusted one by id, or the reason it may not run. */
  resolve(params: Record<string, unknown>): Resolution {
    const id = documentIdOf(params);
    const query = typeof params.query === 'string' ? params.query : undefined;
    if (id === undefined) {
      if (query !== undefined && this.only) {
        return refused('PERSISTED_QUERY_REQUIRED', 'Only trusted documents run here: send a documentId.');
      }
      return undefined;
    }
    if (query !== undefined) {
      if (sha256(query) !== id) return refused('PERSISTED_QUERY_HASH_MISMATCH', 'The document does not hash to its documentId.');
      if (this.only && !this.bodies.has(id)) return refused('PERSISTED_QUERY_NOT_FOUND', 'Unknown documentId.');
      return undefined;
    }
    const body = this.bodies.get(id);
    return body === undefined ? refused('PERSISTED_QUERY_NOT_FOUND', 'Unknown documentId.') : { query: body };
  }
}

function documentIdOf(params: Record<string, unknown>): string | undefined {
  const raw = params.documentId;
  if (typeof raw === 'string') return raw.startsWith('sha256:') ? raw.slice(7).toLowerCase() : raw.toLowerCase();
  const extensions = params.extensions as { persistedQuery?: { version?: number; sha256Hash?: unknown } } | undefined;
  const persisted = extensions && extensions.persistedQuery;
  return persisted && persisted.version === 1 && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash.toLowerCase() : undefined;
}
