// Hive Gateway configuration for the marketplace supergraph.
//
// The `hive-gateway` CLI loads this file from its working directory:
//   cd router && ./node_modules/.bin/hive-gateway supergraph ../schema/supergraph.graphql
//
// Every knob is an environment variable; README.md lists them.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { useGenericAuth, type ValidateUserFn } from '@envelop/generic-auth';
import { defineConfig, Logger, useJWT, type GatewayPlugin, type JWTAuthPluginOptions } from '@graphql-hive/gateway';
import { unifiedGraphHandler, useQueryPlan } from '@graphql-hive/router-runtime';
import { usePublicCache } from './public-cache.ts';
import {
  getOperationAST,
  GraphQLError,
  isNonNullType,
  Kind,
  parse,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type SelectionSetNode,
} from 'graphql';

const env = process.env;

function flag(name: string, fallback: boolean): boolean {
  const v = env[name];
  if (v == null || v === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(v.toLowerCase());
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];
const logLevel = (env.ROUTER_LOG_LEVEL ?? 'warn').toLowerCase();
if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
  throw new Error(`ROUTER_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${env.ROUTER_LOG_LEVEL}"`);
}

const verbose = ['trace', 'debug', 'info'].includes(logLevel);

const port = Number(env.ROUTER_PORT ?? 4000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new Error(`ROUTER_PORT must be a port number; got "${env.ROUTER_PORT}"`);
}
// The CLI also reads the generic PORT / HOST variables and they win over this file.
if (env.PORT && env.PORT !== String(port)) {
  console.warn(`[router] PORT=${env.PORT} is set and overrides ROUTER_PORT=${port} (hive-gateway CLI reads PORT); unset PORT.`);
}
if (env.HOST) {
  console.warn(`[router] HOST=${env.HOST} is set and overrides the router host (hive-gateway CLI reads HOST); unset HOST.`);
}

/** In-flight de-duplication of identical subgraph requests: on unless ROUTER_DEDUPE=0. */
const dedupe = flag('ROUTER_DEDUPE', true);

/**
 * Subgraph URL overrides: <NAME>_URL for every subgraph in the supergraph
 * (PRODUCTS_URL for "products", ORDER_HISTORY_URL for "order-history").
 * Unset or empty: the URL composed into the supergraph is used.
 *
 * The gateway looks transport entries up by subgraph name, so a Proxy answers
 * for any subgraph the (hot-reloaded) supergraph names without listing them here.
 */
export function urlEnvVarFor(subgraphName: string): string {
  return `${subgraphName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}
const overriddenUrls = new Map<string, { location: string }>();
const transportEntries = new Proxy(
  {
    // every subgraph reached over HTTP
    '*.http': {
      options: {
        deduplicateInflightRequests: dedupe,
        // Subscriptions go to the same subgraph URL over graphql-transport-ws.
        // A WebSocket handshake carries no forwarded headers by default: pass the
        // client's credentials both as handshake headers and as connection params.
        subscriptions: {
          kind: 'ws',
          headers: [
            ['authorization', '{context.headers.authorization}'],
            ['cookie', '{context.headers.cookie}'],
            ['user-agent', '{context.headers.user-agent}'],
            ['accept-language', '{context.headers.accept-language}'],
          ],
          options: {
            connectionParams: {
              authorization: '{context.headers.authorization}',
              'x-cart-token': '{context.headers.x-cart-token}',
              'x-request-id': '{context.headers.x-request-id}',
            },
          },
        },
      },
    },
  } as Record<string, any>,
  {
    get(target, key) {
      if (typeof key !== 'string' || key.startsWith('*')) return target[key as any];
      if (overriddenUrls.has(key)) return overriddenUrls.get(key);
      const url = env[urlEnvVarFor(key)];
      if (!url) return target[key];
      const entry = { location: url };
      overriddenUrls.set(key, entry);
      if (verbose) console.info(`[router] subgraph "${key}" -> ${url} (from ${urlEnvVarFor(key)})`);
      return entry;
    },
  },
);

/** CORS: the Nuxt dev origins plus CORS_ORIGINS (comma separated), with credentials. */
const corsOrigins = [
  'http://localhost:3000',
  'http://127.0.0.1:3000',
  ...(env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean),
];

/** Client request headers forwarded to every subgraph (x-request-id is handled by `requestId`). */
const FORWARDED_HEADERS = [
  'authorization',
  'cookie',
  'x-csrf-token',
  'x-cart-token',
  'accept-language',
  'user-agent',
] as const;

/**
 * Client IP for x-forwarded-for. The socket's peer address, unless ROUTER_TRUST_PROXY=1
 * (the router sits behind a proxy we run), in which case the incoming chain is kept
 * and the peer appended. Never trust a client-sent x-forwarded-for by default: the
 * subgraphs rate-limit by it.
 */
const trustProxy = flag('ROUTER_TRUST_PROXY', false);
function forwardedFor(request: Request, context: any): string | undefined {
  const peer: string | undefined = context?.req?.socket?.remoteAddress;
  const ip = peer?.startsWith('::ffff:') ? peer.slice(7) : peer;
  if (trustProxy) {
    const chain = request.headers.get('x-forwarded-for');
    if (chain) return ip ? `${chain}, ${ip}` : chain;
  }
  return ip;
}

// ---------------------------------------------------------------------------
// Authentication (JWT) and the federation auth directives
// ---------------------------------------------------------------------------
//
// JWT_JWKS_FILE or JWT_JWKS_URL turns this on; with neither, nothing below is installed.
//  - Hive Gateway's JWT plugin (`useJWT`, what the `jwt` config option installs:
//    @graphql-mesh/plugin-jwt-auth over @graphql-yoga/plugin-jwt, jsonwebtoken) verifies
//    `Authorization: Bearer <token>` against our JWKS key store. It never rejects by itself
//    (`reject: { missingToken: false, invalidToken: false }`): a verified token's claims land in
//    `context.jwt.payload`, anything else leaves it empty. In front of it, a cache of verified
//    tokens (token -> claims until `exp`, as the subgraphs keep) fills `context.jwt` for a token
//    seen before, which makes the plugin skip its ≈150-200 µs ES256 verification.
//  - useGenericAuth (mode `protect-granular`) decides who the caller is (`resolveUserFn`):
//    no token -> anonymous; verified token -> its claims; a token that did not verify -> the
//    whole request is refused (401, UNAUTHENTICATED) unless every root field is in
//    TOKEN_EXEMPT_ROOT_FIELDS. It then enforces @authenticated / @requiresScopes / @policy per
//    field before anything is sent to a subgraph: the denied fields come back null with an
//    error, the rest of the operation runs.
// The client's Authorization header is still forwarded unchanged (propagateHeaders below):
// the subgraphs verify again and check revocation.

const JWT_ALGORITHMS = ['ES256', 'RS256']; // asymmetric only, as the subgraphs (jwt_auth.py)
const JWT_CLOCK_TOLERANCE_S = 5;
// unknown kid: re-read the JWKS at most this often (JWT_JWKS_MIN_REFRESH_S, default 30; tests use 1)
const JWKS_MIN_REFRESH_MS = Number(env.JWT_JWKS_MIN_REFRESH_S || 30) * 1000;
if (!Number.isFinite(JWKS_MIN_REFRESH_MS) || JWKS_MIN_REFRESH_MS < 0) {
  throw new Error(`JWT_JWKS_MIN_REFRESH_S must be a number of seconds; got "${env.JWT_JWKS_MIN_REFRESH_S}"`);
}
const JWKS_MAX_AGE_MS = 10 * 60_000; // known keys: re-read in the background after this (drops removed keys)
const JWKS_RETRY_MS = 1_000; // after a failed load (JWKS not reachable yet at start-up)
const VERIFIED_TOKENS_MAX = 10_000; // verified-token cache entries (oldest dropped first)

/**
 * Root fields an invalid or expired token does not block: clients attach their stale
 * access token to the calls that get them a new one. The caller is anonymous for them.
 */
export const TOKEN_EXEMPT_ROOT_FIELDS: ReadonlySet<string> = new Set([
  'login',
  'register',
  'refreshToken',
  'requestPasswordReset',
  'passwordResetTokenStatus',
  'resetPassword',
  '__typename',
]);

/** Verified access-token claims (issued by the accounts subgraph). */
export type JwtClaims = {
  sub: string;
  iss: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti?: string;
  roles?: string[];
  scope?: string;
  did?: string;
  sid?: string;
  auth_time?: number;
  [claim: string]: unknown;
};

/**
 * @policy extension point: policy name -> decision for the caller. A field carrying
 * `@policy(policies: [["a", "b"], ["c"]])` is allowed when every policy of at least one inner
 * list is granted. A policy not listed here is never granted (fail closed), and anonymous
 * callers are never granted any. Every policy here is evaluated once per authenticated
 * request (before execution, with the claims and the request context only: no field
 * arguments or parent data), so keep them cheap; ownership-style rules stay in the subgraphs.
 * The subgraphs check the same names (`CALLER_POLICIES` in subgraphs/platform/authz.py).
 */
export const RECENT_LOGIN_SECONDS = 15 * 60;
export const POLICIES: Record<string, (claims: JwtClaims, context: Record<string, any>) => boolean | Promise<boolean>> = {
  // "Sudo mode": a password sign-in (auth_time, kept across refreshes) from the last 15 minutes.
  recent_login: (claims) =>
    typeof claims.auth_time === 'number' && Date.now() / 1000 - claims.auth_time <= RECENT_LOGIN_SECONDS,
};

type JwksSource = { kind: 'file' | 'url'; location: string };

/** Public keys by kid, from a JWKS file or URL; re-read on an unknown kid (rate-limited). */
class JwksKeyStore {
  private keys = new Map<string, KeyObject>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private nextLoadAllowed = 0;
  private loading: Promise<void> | undefined;

  constructor(readonly source: JwksSource) {}

  /** The key for `kid`, re-reading the JWKS first if it is unknown and the last read is 30 s old. */
  async get(kid: string): Promise<KeyObject | undefined> {
    const key = this.keys.get(kid);
    const now = Date.now();
    if (key) {
      if (now - this.loadedAt > JWKS_MAX_AGE_MS && now >= this.nextLoadAllowed) void this.refresh();
      return key;
    }
    if (now < this.nextLoadAllowed) return undefined;
    await this.refresh();
    return this.keys.get(kid);
  }

  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** One load at a time; a failed load keeps the previous keys. */
  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    try {
      const keys = parseJwks(await this.read());
      this.keys = keys;
      this.loadedAt = Date.now();
      this.nextLoadAllowed = this.loadedAt + JWKS_MIN_REFRESH_MS;
      if (verbose) console.info(`[router] JWKS loaded from ${this.source.location}: kids ${[...keys.keys()].join(', ') || '(none)'}`);
    } catch (err) {
      this.nextLoadAllowed = Date.now() + JWKS_RETRY_MS;
      console.error(`[router] could not load the JWKS from ${this.source.location}: ${(err as Error).message}`);
    }
  }

  private async read(): Promise<unknown> {
    if (this.source.kind === 'file') return JSON.parse(await readFile(this.source.location, 'utf8'));
    const res = await fetch(this.source.location, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.json();
  }
}

/**
 * Tokens that passed verification, with their claims, until their own `exp` (no clock
 * tolerance here: past `exp` a token goes through the full check again). A key removed from
 * the JWKS keeps its cached tokens valid until they expire, as in the subgraphs; revocation is
 * the subgraphs' job (they still get every token).
 */
class VerifiedTokens {
  private readonly entries = new Map<string, JwtClaims>();

  get(token: string): JwtClaims | undefined {
    const claims = this.entries.get(token);
    if (claims && claims.exp * 1000 <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  add(token: string, claims: JwtClaims): void {
    if (this.entries.has(token) || claims.exp * 1000 <= Date.now()) return;
    if (this.entries.size >= VERIFIED_TOKENS_MAX) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, claims);
  }
}

/** Signature keys of a JWKS as public KeyObjects (private and symmetric material is dropped). */
function parseJwks(jwks: any): Map<string, KeyObject> {
  if (!jwks || !Array.isArray(jwks.keys)) throw new Error('not a JWKS (no "keys" array)');
  const keys = new Map<string, KeyObject>();
  for (const jwk of jwks.keys) {
    if (typeof jwk?.kid !== 'string' || (jwk.use != null && jwk.use !== 'sig')) continue;
    if (jwk.kty !== 'EC' && jwk.kty !== 'RSA') continue;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    try {
      keys.set(jwk.kid, createPublicKey({ key: publicJwk, format: 'jwk' }));
    } catch (err) {
      console.warn(`[router] JWKS key "${jwk.kid}" skipped: ${(err as Error).message}`);
    }
  }
  return keys;
}

/** The Authorization value the client presented: graphql-ws connection params, else the header. */
function presentedAuthorization(request: Request | undefined, context: any): string | undefined {
  const params = context?.connectionParams;
  const fromParams = params ? (params.authorization ?? params.Authorization) : undefined;
  const value = typeof fromParams === 'string' ? fromParams : request?.headers.get('authorization');
  return value?.trim() || undefined;
}
const BEARER = /^Bearer +(\S+)$/i;

function b64urlJson(part: string | undefined): any {
  if (!part) throw new Error('missing part');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

type TokenProblem = { reason: string; message: string };

/** Why a presented token did not verify (same reasons as the subgraphs); only on the failure path. */
function diagnose(authorization: string, keys: JwksKeyStore): TokenProblem {
  const match = BEARER.exec(authorization);
  if (!match) return { reason: 'MALFORMED', message: "Authorization header must be 'Bearer <token>'." };
  let header: any;
  let payload: any;
  try {
    const parts = match[1].split('.');
    if (parts.length !== 3) throw new Error('not a JWS');
    header = b64urlJson(parts[0]);
    payload = b64urlJson(parts[1]);
  } catch {
    return { reason: 'MALFORMED', message: 'Malformed token.' };
  }
  if (!JWT_ALGORITHMS.includes(header?.alg) || typeof header?.kid !== 'string') {
    return { reason: 'BAD_HEADER', message: 'Token algorithm or key id not accepted.' };
  }
  if (!keys.has(header.kid)) return { reason: 'UNKNOWN_KID', message: 'Token signed with an unknown key.' };
  if (typeof payload?.exp === 'number' && payload.exp + JWT_CLOCK_TOLERANCE_S < Date.now() / 1000) {
    return { reason: 'EXPIRED', message: 'Token has expired.' };
  }
  return { reason: 'INVALID', message: 'Invalid token.' };
}

/** Claims the subgraphs require; a signed token without them is still refused. */
function claimsProblem(claims: any): TokenProblem | undefined {
  const ok =
    typeof claims?.sub === 'string' &&
    typeof claims.exp === 'number' &&
    typeof claims.iat === 'number' &&
    (claims.roles == null || Array.isArray(claims.roles)) &&
    (claims.scope == null || typeof claims.scope === 'string');
  return ok ? undefined : { reason: 'INVALID', message: 'Invalid token claims.' };
}

/** True when every root field of the operation to run is in TOKEN_EXEMPT_ROOT_FIELDS. */
function onlyTokenExemptRootFields(params: { query?: unknown; operationName?: unknown } | undefined): boolean {
  if (typeof params?.query !== 'string') return false; // e.g. a persisted document id
  let document: DocumentNode;
  try {
    document = parse(params.query, { noLocation: true });
  } catch {
    return false;
  }
  const operation = getOperationAST(document, typeof params.operationName === 'string' ? params.operationName : undefined);
  if (!operation || operation.operation === 'subscription') return false;
  const fragments = new Map<string, SelectionSetNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def.selectionSet);
  }
  const visited = new Set<string>();
  const allExempt = (set: SelectionSetNode): boolean =>
    set.selections.every((sel) => {
      if (sel.kind === Kind.FIELD) return TOKEN_EXEMPT_ROOT_FIELDS.has(sel.name.value);
      if (sel.kind === Kind.INLINE_FRAGMENT) return allExempt(sel.selectionSet);
      const fragment = fragments.get(sel.name.value);
      if (!fragment) return false;
      if (visited.has(sel.name.value)) return true;
      visited.add(sel.name.value);
      return allExempt(fragment);
    });
  return allExempt(operation.selectionSet);
}

function unauthenticatedRequest({ reason, message }: TokenProblem): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      reason,
      // status and header only; Yoga strips `http` from the JSON body
      http: { status: 401, headers: { 'www-authenticate': `Bearer error="invalid_token"` } },
    },
  });
}

function scopesOf(claims: JwtClaims): string[] {
  return typeof claims?.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
}
function isAdmin(claims: JwtClaims): boolean {
  return Array.isArray(claims?.roles) && claims.roles.includes('admin');
}
/** `[["a", "b"], ["c"]]`: a and b, or c. */
function satisfies(required: string[][], granted: string[]): boolean {
  return required.some((all) => all.every((item) => granted.includes(item)));
}

/** Per-field decision for @authenticated, @requiresScopes and @policy (on the field or its type). */
const validateUser: ValidateUserFn<JwtClaims | null> = (p) => {
  const needsAuth = Boolean(p.fieldAuthArgs || p.typeAuthArgs);
  const scopeLists = [p.typeScopes, p.fieldScopes].filter((s): s is string[][] => Boolean(s?.length));
  const policyLists = [p.typePolicies, p.fieldPolicies].filter((s): s is string[][] => Boolean(s?.length));
  if (!needsAuth && !scopeLists.length && !policyLists.length) return;
  // Same messages and extensions as the subgraphs' permission classes (platform/authz.py,
  // context.py): whichever layer refuses, the client sees the same error.
  const deny = (code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string, extra: Record<string, unknown> = {}) =>
    new GraphQLError(message, {
      nodes: [p.fieldNode],
      path: p.path as (string | number)[],
      extensions: { code, ...extra },
    });
  if (p.user == null) return deny('UNAUTHENTICATED', 'Sign in to do this.');
  // Admins pass every scope check (not policies: a policy decides for admins itself).
  const missing = isAdmin(p.user) ? undefined : scopeLists.find((required) => !satisfies(required, p.userScopes));
  if (missing) {
    // one alternative (all our directives): name its scopes, as the subgraphs do
    if (missing.length === 1) {
      const scopes = [...missing[0]].sort();
      return deny('FORBIDDEN', `This needs the ${scopes.join(', ')} scope.`, { requiredScopes: scopes });
    }
    return deny('FORBIDDEN', 'You are not allowed to do this.');
  }
  if (!policyLists.every((required) => satisfies(required, p.userPolicies))) {
    return deny('FORBIDDEN', 'You are not allowed to do this.');
  }
  return undefined;
};

const jwksSource: JwksSource | undefined = env.JWT_JWKS_FILE
  ? { kind: 'file', location: env.JWT_JWKS_FILE }
  : env.JWT_JWKS_URL
    ? { kind: 'url', location: env.JWT_JWKS_URL }
    : undefined;
if (env.JWT_JWKS_FILE && env.JWT_JWKS_URL) {
  console.warn(`[router] both JWT_JWKS_FILE and JWT_JWKS_URL are set; using the file ${env.JWT_JWKS_FILE}.`);
}
if (!jwksSource) {
  console.warn(
    '[router] JWT verification is off (set JWT_JWKS_URL or JWT_JWKS_FILE): tokens are not checked and ' +
      '@authenticated/@requiresScopes/@policy are enforced by the subgraphs only.',
  );
}

const jwksKeys = jwksSource ? new JwksKeyStore(jwksSource) : undefined;
void jwksKeys?.refresh(); // warm the cache at start-up (a failure is logged and retried on demand)

// Returned for an unknown kid: the yoga JWT plugin treats "no key" as a server error (masked,
// 500), while a key that matches nothing fails verification like any bad token (-> 401).
const NO_SUCH_KEY = jwksKeys && generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;

const jwtOptions: JWTAuthPluginOptions | undefined = jwksKeys && {
  // The provider may return a KeyObject (jsonwebtoken accepts it); the type says string.
  signingKeyProviders: [async (kid?: string) => ((kid && (await jwksKeys.get(kid))) || NO_SUCH_KEY) as unknown as string],
  tokenLookupLocations: [
    ({ request, serverContext }) => {
      const match = BEARER.exec(presentedAuthorization(request, serverContext) ?? '');
      return match ? { prefix: 'Bearer', token: match[1] } : undefined;
    },
  ],
  tokenVerification: {
    algorithms: JWT_ALGORITHMS as any,
    issuer: env.JWT_ISSUER || 'marketplace-accounts',
    audience: env.JWT_AUDIENCE || 'marketplace',
    clockTolerance: JWT_CLOCK_TOLERANCE_S,
  },
  // Never reject here: resolveUserFn below decides (it knows the operation, for the exemptions).
  reject: { missingToken: false, invalidToken: false },
  extendContext: 'jwt',
  // The subgraphs get the original Authorization header, not the decoded claims.
  forward: { payload: false, token: false },
};

/**
 * Runs before the JWT plugin: a token verified earlier gets its claims into `jwt` straight
 * away (on the server context for HTTP, on the context for WebSocket operations), and the JWT
 * plugin, which skips any request that already has `jwt`, does not verify it again.
 */
function useVerifiedTokenCache(verified: VerifiedTokens): GatewayPlugin {
  const cached = (request: Request | undefined, context: any) => {
    const match = BEARER.exec(presentedAuthorization(request, context) ?? '');
    const claims = match ? verified.get(match[1]) : undefined;
    return claims && { payload: claims, token: { value: match![1], prefix: 'Bearer' } };
  };
  return {
    onRequestParse({ request, serverContext }: any) {
      const jwt = cached(request, serverContext);
      if (jwt) serverContext.jwt = jwt;
    },
    onContextBuilding({ context, extendContext }: any) {
      if (context.jwt) return;
      const jwt = cached(context.request, context);
      if (jwt) extendContext({ jwt });
    },
  } as GatewayPlugin;
}

/** Response keys and field names of an operation's root selection (through fragments). */
function rootFieldsOf(document: DocumentNode, operationName?: string | null) {
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
function useAuthResultGuard(): { before: GatewayPlugin; after: GatewayPlugin } {
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

function authPlugins(): GatewayPlugin[] {
  if (!jwksKeys) return [];
  const policyNames = Object.keys(POLICIES);
  const guard = useAuthResultGuard();
  const verified = new VerifiedTokens();
  return [
    useVerifiedTokenCache(verified),
    useJWT(jwtOptions!) as GatewayPlugin,
    guard.before,
    useGenericAuth<JwtClaims, Record<string, any>>({
      mode: 'protect-granular',
      // Field-level: denied fields are removed before planning (never sent to a subgraph)
      // and come back null with an error; the rest of the operation runs.
      rejectUnauthenticated: false,
      contextFieldName: 'currentUser',
      resolveUserFn(context) {
        const authorization = presentedAuthorization(context.request, context);
        if (!authorization) return null; // anonymous
        const claims = context.jwt?.payload as JwtClaims | undefined;
        const problem = claims ? claimsProblem(claims) : diagnose(authorization, jwksKeys);
        if (!problem) {
          verified.add(context.jwt.token.value, claims!);
          return claims!;
        }
        if (onlyTokenExemptRootFields(context.params)) return null; // stale token on login/refresh
        throw unauthenticatedRequest(problem);
      },
      validateUser: validateUser as ValidateUserFn<JwtClaims>,
      extractScopes: scopesOf,
      ...(policyNames.length
        ? {
            async extractPolicies(claims: JwtClaims, context: Record<string, any>) {
              const granted: string[] = [];
              for (const name of policyNames) if (await POLICIES[name](claims, context)) granted.push(name);
              return granted;
            },
          }
        : {}),
    }) as GatewayPlugin,
    guard.after,
  ];
}

const extraPlugins: GatewayPlugin[] = [];
// Public (anonymous, subgraph-approved) query results kept in memory: see public-cache.ts.
// On unless ROUTER_PUBLIC_CACHE=0; needs REDIS_URL for the cache versions.
if (flag('ROUTER_PUBLIC_CACHE', true) && env.REDIS_URL) {
  extraPlugins.push(usePublicCache({ redisUrl: env.REDIS_URL }));
}
// Debug aid (and the tests' proof that the Rust planner runs): return the query plan
// in `extensions.queryPlan`. Off by default: it exposes the subgraph topology.
if (flag('ROUTER_EXPOSE_QUERY_PLAN', false)) {
  extraPlugins.push(useQueryPlan({ expose: true }) as GatewayPlugin);
}

export const gatewayConfig = defineConfig({
  // Default when the CLI is given no path: `hive-gateway supergraph`
  supergraph: '../schema/supergraph.graphql',
  // The Rust query planner (@graphql-hive/router-runtime); same effect as --hive-router-runtime.
  unifiedGraphHandler,

  host: env.ROUTER_HOST ?? '127.0.0.1',
  port,
  // Subgraph failures are logged with the upstream request body (query + variables, which
  // may hold passwords or tokens): keep it out of the logs.
  logging: new Logger({
    level: logLevel as LogLevel,
    redact: { paths: ['extensions.request.body', 'extensions.request.headers'], censor: '[redacted]' },
  }),

  graphqlEndpoint: '/graphql',
  graphiql: { title: 'Marketplace supergraph' },
  healthCheckEndpoint: '/healthcheck',
  readinessCheckEndpoint: '/readiness',

  cors: {
    origin: corsOrigins,
    credentials: true,
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  },

  // x-request-id: kept from the client or a fresh UUID; sent to subgraphs and returned.
  // It is added after the de-dup key is computed, so it does not defeat de-duplication.
  requestId: { headerName: 'x-request-id' },

  propagateHeaders: {
    fromClientToSubgraphs({ request, context }) {
      const headers: Record<string, string | undefined> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers.get(name);
        if (value != null) headers[name] = value;
      }
      headers['x-forwarded-for'] = forwardedFor(request, context);
      return headers;
    },
    fromSubgraphsToClient({ response }) {
      // getSetCookie keeps each cookie separate (a merged header breaks on Expires' comma).
      const cookies = response.headers.getSetCookie?.() ?? [];
      return cookies.length ? { 'set-cookie': cookies } : undefined;
    },
  },

  transportEntries,

  // GraphQL multipart request spec (file uploads), forwarded to the subgraph as multipart.
  multipart: true,
  // Uploads are multipart/form-data, a CORS "simple" request that skips the preflight:
  // with cookie auth that is a CSRF hole. Such requests (and bare GETs) must carry one of
  // these headers. JSON POSTs are preflighted and unaffected. ROUTER_CSRF_PREVENTION=0 disables.
  ...(flag('ROUTER_CSRF_PREVENTION', true)
    ? { csrfPrevention: { requestHeaders: ['x-csrf-token', 'graphql-preflight', 'apollo-require-preflight'] } }
    : {}),

  // JWT verification and the auth directives, only when a JWKS is configured. `useJWT` (the
  // plugin behind the `jwt` option) and `useGenericAuth` (behind `genericAuth`) are installed
  // here rather than through those options, to control their order: verified-token cache ->
  // JWT -> generic-auth. (`genericAuth` would install generic-auth before the `jwt` plugin, and
  // for WebSocket operations it must run after it.)
  plugins: () => [...authPlugins(), ...extraPlugins],
});
