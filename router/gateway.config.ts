// Hive Gateway configuration for the marketplace supergraph.
//
// The `hive-gateway` CLI loads this file from its working directory:
//   cd router && ./node_modules/.bin/hive-gateway supergraph ../schema/supergraph.graphql
//
// Every knob is an environment variable; README.md lists them.
import { defineConfig, Logger, type GatewayPlugin } from '@graphql-hive/gateway';
import { unifiedGraphHandler, useQueryPlan } from '@graphql-hive/router-runtime';
import { authPlugins, shopperClass, verifiedClaims } from './auth.ts';
import { clientIp, TrustedProxies } from './client-ip.ts';
import { useEdge } from './edge.ts';
import { flag, integer, list, oneOf, text } from './env.ts';
import { renderGraphiQL } from './graphiql.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { DEFAULT_TTL_MS, usePublicCache } from './public-cache.ts';
import { maskError, useUnavailableStatus } from './unavailable.ts';
import { parsePolicy, RateLimiter } from './rate-limit.ts';
import { TrustedDocuments } from './trusted-documents.ts';

const env = process.env;

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
            // A dropped subgraph socket ends the client's subscription with an error instead of
            // being re-subscribed silently with the first variables: our streams resume from the
            // client's last cursor (`after`), which only the client knows, so the client
            // reconnects and nothing is lost in between.
            retryAttempts: 0,
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
 * The client's address for x-forwarded-for (the only entry the subgraphs get) and for anonymous
 * rate limits: the socket's peer, or through our own proxies (ROUTER_TRUSTED_PROXIES, CIDRs) the
 * first untrusted hop. A client-sent x-forwarded-for is never believed by default.
 */
if (env.ROUTER_TRUST_PROXY) {
  throw new Error('ROUTER_TRUST_PROXY is gone: list the proxies in front of the router in ROUTER_TRUSTED_PROXIES (CIDRs).');
}
const trustedProxies = new TrustedProxies(list('ROUTER_TRUSTED_PROXIES'));
function forwardedFor(request: Request, context: any): string | undefined {
  return clientIp(context?.req?.socket?.remoteAddress, request.headers.get('x-forwarded-for'), trustedProxies);
}

// The edge (edge.ts): body size, trusted documents, structural limits, cost, rate limits.
const introspection = flag('ROUTER_INTROSPECTION', true);
const trustedDocuments = TrustedDocuments.load(
  text('ROUTER_TRUSTED_DOCUMENTS') ?? '../schema/trusted-documents.json',
  flag('ROUTER_TRUSTED_DOCUMENTS_ONLY', false),
);
const limits = flag('ROUTER_LIMITS', true)
  ? {
      maxTokens: integer('ROUTER_MAX_TOKENS', DEFAULT_LIMITS.maxTokens, { min: 1 }),
      maxDepth: integer('ROUTER_MAX_DEPTH', DEFAULT_LIMITS.maxDepth, { min: 1 }),
      maxIntrospectionDepth: integer('ROUTER_MAX_INTROSPECTION_DEPTH', DEFAULT_LIMITS.maxIntrospectionDepth, { min: 1 }),
      maxAliases: integer('ROUTER_MAX_ALIASES', DEFAULT_LIMITS.maxAliases),
      maxDirectives: integer('ROUTER_MAX_DIRECTIVES', DEFAULT_LIMITS.maxDirectives),
      maxRootFields: integer('ROUTER_MAX_ROOT_FIELDS', DEFAULT_LIMITS.maxRootFields, { min: 1 }),
    }
  : undefined;
const maxCost = flag('ROUTER_COST', true) ? integer('ROUTER_MAX_COST', 1000, { min: 1 }) : undefined;
const signedInBucket = parsePolicy('ROUTER_RATE_LIMIT_SIGNED_IN', env.ROUTER_RATE_LIMIT_SIGNED_IN, { capacity: 5000, restoreRate: 250 });
const anonymousBucket = parsePolicy('ROUTER_RATE_LIMIT_ANONYMOUS', env.ROUTER_RATE_LIMIT_ANONYMOUS, { capacity: 10000, restoreRate: 500 });
if (maxCost !== undefined && maxCost > Math.min(signedInBucket.capacity, anonymousBucket.capacity)) {
  throw new Error(`ROUTER_MAX_COST (${maxCost}) must fit in every rate-limit bucket (capacities ${signedInBucket.capacity}, ${anonymousBucket.capacity})`);
}
const rateLimit =
  flag('ROUTER_RATE_LIMIT', true) && env.REDIS_URL
    ? {
        limiter: new RateLimiter(env.REDIS_URL, oneOf('ROUTER_RATE_LIMIT_ON_REDIS_ERROR', ['local', 'open', 'closed'] as const, 'local')),
        signedIn: signedInBucket,
        anonymous: anonymousBucket,
      }
    : undefined;
const edge = useEdge({
  limits,
  maxBodyBytes: integer('ROUTER_MAX_BODY_BYTES', 256 * 1024, { min: 1 }),
  maxUploadBytes: integer('ROUTER_MAX_UPLOAD_BYTES', 26 * 1024 * 1024, { min: 1 }),
  maxCost,
  rateLimit,
  trusted: trustedDocuments,
  proxies: trustedProxies,
  subjectOf: (authorization) => verifiedClaims(authorization)?.sub,
});

const extraPlugins: GatewayPlugin[] = [];
// Public (anonymous, subgraph-approved) query results kept in memory: see public-cache.ts.
// On unless ROUTER_PUBLIC_CACHE=0; needs REDIS_URL for the cache versions.
if (flag('ROUTER_PUBLIC_CACHE', true) && env.REDIS_URL) {
  const signedIn = async (authorization: string) => {
    const claims = verifiedClaims(authorization);
    const cls = claims && (await shopperClass(claims));
    return claims && cls ? { cls, claims } : undefined;
  };
  const ttlMs = Number(env.ROUTER_PUBLIC_CACHE_TTL_MS ?? DEFAULT_TTL_MS);
  if (!Number.isFinite(ttlMs) || ttlMs < 0) throw new Error('ROUTER_PUBLIC_CACHE_TTL_MS must be a number of milliseconds');
  extraPlugins.push(usePublicCache({ redisUrl: env.REDIS_URL, signedIn, ttlMs }));
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
  // GraphiQL (Hive Laboratory) opens on example operations (graphiql.ts); off with introspection.
  graphiql: introspection ? { title: 'Marketplace supergraph' } : false,
  renderGraphiQL,
  // Production can hide the schema: no introspection, and no "did you mean …" hints that leak it.
  ...(introspection ? {} : { disableIntrospection: true, blockFieldSuggestions: true }),
  healthCheckEndpoint: '/healthcheck',
  readinessCheckEndpoint: '/readiness',

  cors: {
    origin: corsOrigins,
    credentials: true,
    exposedHeaders: ['x-request-id', 'etag', 'x-cache'],
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
  // The edge comes first: nothing is verified, cached, planned or fetched for a refused request.
  plugins: () => [edge, ...authPlugins(), ...extraPlugins, useUnavailableStatus()],
  // Unexpected errors stay masked; an unreachable subgraph is SERVICE_UNAVAILABLE (unavailable.ts).
  maskedErrors: { maskError },
});
