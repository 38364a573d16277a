/**
 * Whole-response cache in the router for public operations (ROUTER_PUBLIC_CACHE=1).
 *
 * The subgraphs decide what is public: the products subgraph marks a response it may cache
 * (`x-cache: HIT|MISS`) with the cache version it belongs to (`x-cache-version: catalog:<n>`). When
 * every subgraph fetch of an anonymous query came back that way, under one version, and the
 * result has no errors, the router keeps the result in memory under (document, operation
 * name, variables) and that version. A later identical anonymous query is answered from memory
 * while the catalogue version is unchanged: no planning, no subgraph fetch, no JSON parsing.
 *
 * The current version is read from Redis (the key the products subgraph's event consumers
 * bump) every 250 ms, so a catalogue change reaches the router within that after it reaches
 * the subgraphs' own caches. If Redis cannot be read, nothing is served from the cache, and no
 * answer is served longer than the TTL (ROUTER_PUBLIC_CACHE_TTL_MS, 30 s) whatever the version.
 *
 * Signed-in callers use it only when the subgraphs would show them the public view (shoppers:
 * neither seller nor admin), their token was verified earlier by this router and is not on the
 * revocation list (checked here as the subgraphs check it), and only among callers of the same
 * authorization class (roles, scopes, granted policies): never with anonymous callers.
 *
 * A stored answer's data is sent as the bytes serialized when it was stored (this request's own
 * extensions around it), with an ETag naming them; a caller (the REST shim) who sends that ETag
 * back in If-None-Match, and would be answered the same data now, gets a 304 without it.
 */
import { createHash } from 'node:crypto';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { getOperationAST } from 'graphql';
import Redis from 'ioredis';
import type { JwtClaims } from './auth.ts';
import { RevocationList } from './revocations.ts';

export const CACHE_HEADER = 'x-cache';
// Versions retire answers the moment the catalogue changes; the TTL bounds a missed bump.
export const DEFAULT_TTL_MS = 30_000;
export const VERSION_HEADER = 'x-cache-version';

// `data` is the answer's data serialized once, when stored; `etag` names those bytes.
type Entry = { version: string; result: unknown; data: string; etag: string; storedAt: number };
// The answers the cache can send itself: JSON, as the client asked for it (or as it takes anything).
const SENT_AS = new Map([
  ['', 'application/json'],
  ['*/*', 'application/json'],
  ['application/json', 'application/json'],
  ['application/graphql-response+json', 'application/graphql-response+json'],
]);
type Marker = { fetches: number; cacheable: boolean; query: boolean; version?: string };

/** Insertion-ordered map as an LRU bounded by approximate bytes. */
class ResultLru {
  private entries = new Map<string, Entry>();
  private total = 0;
  constructor(private readonly maxBytes: number) {}

  get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) this.total -= old.data.length;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.total += entry.data.length;
    for (const [k, e] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(k);
      this.total -= e.data.length;
    }
  }
}

/**
 * Current versions of the cache namespaces the subgraphs reported (`catalog` today), polled
 * from Redis (`cachever:<namespace>`, bumped by the subgraphs' event consumers). A namespace
 * whose version cannot be read has none, and nothing of it is served.
 */
class NamespaceVersions {
  private readonly current = new Map<string, string | undefined>();
  private readonly redis: Redis;
  private readonly timer: NodeJS.Timeout;

  constructor(redis: Redis, pollMs: number) {
    this.redis = redis;
    this.redis.on('error', () => this.forgetAll());
    this.timer = setInterval(() => this.poll(), pollMs);
    this.timer.unref();
  }

  /** True when `tag` ("<namespace>:<version>") is the namespace's current version. */
  isCurrent(tag: string): boolean {
    const [namespace, version] = split(tag);
    return this.current.get(namespace) === version;
  }

  /**
   * A subgraph just answered under `tag`: until the first poll of a new namespace, that is the
   * best knowledge there is. After that only Redis decides (it may have been reset).
   */
  observed(tag: string): void {
    const [namespace, version] = split(tag);
    if (!this.current.has(namespace)) {
      this.current.set(namespace, version);
      this.poll();
    }
  }

  private poll(): void {
    const namespaces = [...this.current.keys()];
    if (!namespaces.length) return;
    this.redis.mget(namespaces.map((n) => `cachever:${n}`)).then(
      // A namespace with no version (Redis restarted empty) serves nothing until it has one.
      (values) => namespaces.forEach((n, i) => this.current.set(n, values[i] === null ? undefined : values[i])),
      () => this.forgetAll(),
    );
  }

  private forgetAll(): void {
    for (const n of this.current.keys()) this.current.set(n, undefined);
  }

  close(): void {
    clearInterval(this.timer);
  }
}

/**
 * The stored data with this request's own extensions (the edge's cost report, which depends on
 * the caller's budget now), as Yoga would send them: the transport-only `http` left out.
 */
function withExtensions(data: string, extensions: Record<string, unknown> | undefined): string {
  const { http: _http, ...sent } = extensions ?? {};
  return Object.keys(sent).length ? `{"data":${data},"extensions":${JSON.stringify(sent)}}` : `{"data":${data}}`;
}

function split(tag: string): [string, string] {
  const at = tag.lastIndexOf(':');
  return [tag.slice(0, at), tag.slice(at + 1)];
}

function keyOf(
  cls: string,
  params: { query?: unknown; operationName?: unknown; variables?: unknown },
): string | undefined {
  if (typeof params.query !== 'string') return undefined;
  return createHash('sha256')
    .update(cls)
    .update('\0')
    .update(params.query)
    .update('\0')
    .update(typeof params.operationName === 'string' ? params.operationName : '')
    .update('\0')
    .update(JSON.stringify(params.variables ?? null))
    .digest('hex');
}

/** A signed-in caller the cache may serve: their authorization class and verified claims. */
export type SignedIn = { cls: string; claims: JwtClaims };

export function usePublicCache(options: {
  redisUrl: string;
  /** Verified claims and class of a shopper, or undefined (seller, admin, unknown token). */
  signedIn?: (authorization: string) => Promise<SignedIn | undefined>;
  pollMs?: number;
  maxBytes?: number;
  /** A safety net: even an answer whose version bump was missed is dropped after this. */
  ttlMs?: number;
}): GatewayPlugin {
  const ttlMs = options.ttlMs === undefined ? DEFAULT_TTL_MS : options.ttlMs;
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const versions = new NamespaceVersions(redis, options.pollMs ?? 250);
  const revocations = new RevocationList(redis);
  const results = new ResultLru(options.maxBytes ?? 64 * 1024 * 1024);
  const keys = new WeakMap<object, string>(); // request -> cache key (anonymous queries only)
  const hits = new WeakMap<object, Entry>(); // requests answered from the cache
  const stored = new WeakMap<object, Entry>(); // requests whose answer was just stored
  const markers = new WeakMap<object, Marker>(); // execution context -> what the fetches said

  return {
    async onParams({ request, params, setResult }: any) {
      if (request.method !== 'POST' && request.method !== 'GET') return;
      const authorization = request.headers.get('authorization');
      let cls = 'anonymous';
      if (authorization) {
        const caller = await options.signedIn?.(authorization);
        // A revoked token must be refused: only a subgraph can say so, so it executes.
        if (!caller || (await revocations.isRevoked(caller.claims))) return;
        cls = caller.cls;
      }
      const key = keyOf(cls, params);
      if (!key) return;
      keys.set(request, key);
      // Only query results are ever stored, so a hit is a query by construction.
      const entry = results.get(key);
      if (entry && versions.isCurrent(entry.version) && Date.now() - entry.storedAt < ttlMs) {
        hits.set(request, entry);
        setResult(entry.result);
      }
    },
    onExecute({ args }: any) {
      if (!args.contextValue?.request || !keys.has(args.contextValue.request)) return;
      const operation = getOperationAST(args.document, args.operationName);
      markers.set(args.contextValue, { fetches: 0, cacheable: true, query: operation?.operation === 'query' });
    },
    onFetch({ context }: any) {
      const marker = context && markers.get(context);
      if (!marker) return;
      const current: Marker = marker;
      current.fetches += 1;
      return ({ response }: any) => {
        const cache = response.headers.get(CACHE_HEADER);
        const fetched = response.headers.get(VERSION_HEADER);
        if (!cache || !fetched || (current.version !== undefined && current.version !== fetched)) {
          current.cacheable = false;
        }
        current.version = fetched ?? current.version;
      };
    },
    onExecutionResult({ request, result, context }: any) {
      const key = keys.get(request);
      const marker = markers.get(context);
      if (!key || !marker?.query || !marker.cacheable || marker.fetches === 0 || !marker.version) return;
      if (!result || Symbol.asyncIterator in result || result.errors?.length) return;
      const data = JSON.stringify(result.data);
      const etag = `W/"${createHash('sha1').update(data).digest('base64url')}"`;
      versions.observed(marker.version);
      const entry = { version: marker.version, result, data, etag, storedAt: Date.now() };
      results.set(key, entry);
      stored.set(request, entry);
    },
    onResultProcess({ request, resultProcessor, setResultProcessor }: any) {
      const entry = hits.get(request) ?? stored.get(request);
      const accept = (request.headers.get('accept') ?? '').split(';')[0].trim().toLowerCase();
      const type = SENT_AS.get(accept);
      // Anything but plain JSON (SSE, multipart, several types) is left to Yoga's own processors.
      if (!entry || !resultProcessor || !type) return;
      const fresh = !(request.headers.get('if-none-match') ?? '').split(',').some((t: string) => t.trim() === entry.etag);
      setResultProcessor(
        (result: any, fetchAPI: any) =>
          fresh
            ? new fetchAPI.Response(withExtensions(entry.data, result?.extensions), {
                status: 200,
                headers: { 'content-type': `${type}; charset=utf-8`, etag: entry.etag },
              })
            : new fetchAPI.Response(null, { status: 304, headers: { etag: entry.etag } }),
        type,
      );
    },
    onResponse({ request, response }: any) {
      if (keys.has(request)) response.headers.set(CACHE_HEADER, hits.has(request) ? 'HIT' : 'MISS');
    },
    onDispose() {
      versions.close();
      redis.disconnect();
    },
  } as GatewayPlugin;
}
