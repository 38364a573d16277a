// Hive Gateway configuration for the marketplace supergraph.
//
// The `hive-gateway` CLI loads this file from its working directory:
//   cd router && ./node_modules/.bin/hive-gateway supergraph ../schema/supergraph.graphql
//
// Every knob is an environment variable; README.md lists them.
import { defineConfig, Logger, type GatewayPlugin } from '@graphql-hive/gateway';
import { unifiedGraphHandler, useQueryPlan } from '@graphql-hive/router-runtime';
import { authPlugins, shopperClass, verifiedClaims } from './auth.ts';
import { usePublicCache } from './public-cache.ts';

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

const extraPlugins: GatewayPlugin[] = [];
// Public (anonymous, subgraph-approved) query results kept in memory: see public-cache.ts.
// On unless ROUTER_PUBLIC_CACHE=0; needs REDIS_URL for the cache versions.
if (flag('ROUTER_PUBLIC_CACHE', true) && env.REDIS_URL) {
  const signedIn = async (authorization: string) => {
    const claims = verifiedClaims(authorization);
    const cls = claims && (await shopperClass(claims));
    return claims && cls ? { cls, claims } : undefined;
  };
  extraPlugins.push(usePublicCache({ redisUrl: env.REDIS_URL, signedIn }));
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
