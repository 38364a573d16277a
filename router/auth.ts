// JWT verification and the federation auth directives (@authenticated, @requiresScopes,
// @policy) for the Hive Gateway config (gateway.config.ts installs `authPlugins()`).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { useGenericAuth, type ValidateUserFn } from '@envelop/generic-auth';
import { useJWT, type GatewayPlugin, type JWTAuthPluginOptions } from '@graphql-hive/gateway';
import { getOperationAST, GraphQLError, Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { useAuthResultGuard } from './auth-guard.ts';
import { JwksKeyStore, VerifiedTokens, type JwksSource } from './jwks.ts';

const env = process.env;

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
// The client's Authorization header is still forwarded unchanged (gateway.config.ts,
// propagateHeaders): the subgraphs verify again and check revocation.

const JWT_ALGORITHMS = ['ES256', 'RS256']; // asymmetric only, as the subgraphs (jwt_auth.py)
const JWT_CLOCK_TOLERANCE_S = 5;

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
 * The subgraphs check the same names (`CALLER_POLICIES` in subgraphs/platform/graphql/authz.py).
 */
export const RECENT_LOGIN_SECONDS = 15 * 60;
export const POLICIES: Record<string, (claims: JwtClaims, context: Record<string, any>) => boolean | Promise<boolean>> = {
  // "Sudo mode": a password sign-in (auth_time, kept across refreshes) from the last 15 minutes.
  recent_login: (claims) =>
    typeof claims.auth_time === 'number' && Date.now() / 1000 - claims.auth_time <= RECENT_LOGIN_SECONDS,
};


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
  // Same messages and extensions as the subgraphs' permission classes (subgraphs/platform/graphql/authz.py,
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


// One verified-token cache per process: the auth plugins fill it (after every check the
// subgraphs also make, bar revocation), the public-result cache reads it.
const verified = new VerifiedTokens();

/** Claims of a token this process verified before (and that has not expired), else undefined. */
export function verifiedClaims(authorization: string): JwtClaims | undefined {
  const match = BEARER.exec(authorization);
  return match ? verified.get(match[1]) : undefined;
}

/**
 * The authorization class of a signed-in caller whom the catalogue shows exactly the public view
 * (neither seller nor admin, as the products subgraph's `CatalogueView.is_public`, products/domain/visibility.py), or undefined.
 * Callers of one class get the same decision from every auth directive: same roles, same scopes,
 * same granted policies. The public-result cache keeps their results apart from anonymous ones.
 * Policies are evaluated on the claims alone here: a policy that reads the request context would
 * also have to become part of this key.
 */
export async function shopperClass(claims: JwtClaims): Promise<string | undefined> {
  const roles = claims.roles ?? [];
  if (roles.includes('admin') || roles.includes('seller')) return undefined;
  const granted: string[] = [];
  for (const name of Object.keys(POLICIES)) if (await POLICIES[name](claims, {})) granted.push(name);
  return `shopper|${[...roles].sort().join(',')}|${scopesOf(claims).sort().join(' ')}|${granted.sort().join(',')}`;
}

export function authPlugins(): GatewayPlugin[] {
  if (!jwksKeys) return [];
  const policyNames = Object.keys(POLICIES);
  const guard = useAuthResultGuard();
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
