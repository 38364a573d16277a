// The router's edge: every request is measured before anything is planned or fetched.
//
//   1. body size (onRequest): over ROUTER_MAX_BODY_BYTES (multipart uploads: ROUTER_MAX_UPLOAD_BYTES)
//      -> 413 REQUEST_TOO_LARGE, whether or not the client sent a Content-Length;
//   2. trusted documents (onParams): a documentId becomes its document; in trusted-only mode any
//      other document is refused (trusted-documents.ts);
//   3. tokens, depth, aliases, directives, root fields -> 400 QUERY_TOO_COMPLEX (limits.ts);
//   4. estimated cost over ROUTER_MAX_COST -> 400 QUERY_TOO_COSTLY (cost.ts);
//   5. the caller's bucket -> 429 RATE_LIMITED with Retry-After (rate-limit.ts);
//   and a document of several operations is passed on as the one to run (operation.ts);
// then, with the response, `extensions.cost` (requested, actual, throttle status) as Shopify
// reports it; the unused part of the estimate is credited to the caller's next operation.
//
// HTTP requests are checked in onParams, before the public-result cache can answer, so cached
// answers are limited and charged too. Operations that arrive another way (graphql-ws) are
// checked in onExecute / onSubscribe, before the planner sees them.
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { addressBucket, clientIp, type TrustedProxies } from './client-ip.ts';
import { actualCost, estimateCost } from './cost.ts';
import { measure, parseWithin, violation, type Limits } from './limits.ts';
import { SelectedOperations } from './operation.ts';
import type { BucketPolicy, Decision, RateLimiter } from './rate-limit.ts';
import type { TrustedDocuments } from './trusted-documents.ts';

export type EdgeOptions = {
  /** undefined: structural limits off (benchmarks only). */
  limits?: Limits;
  maxBodyBytes: number;
  maxUploadBytes: number;
  /** undefined: no cost estimation, no `extensions.cost`. */
  maxCost?: number;
  rateLimit?: { limiter: RateLimiter; signedIn: BucketPolicy; anonymous: BucketPolicy };
  trusted: TrustedDocuments;
  proxies: TrustedProxies;
  /** The verified subject of an Authorization value seen before, else undefined. */
  subjectOf: (authorization: string) => string | undefined;
};

type Parsed = { document?: DocumentNode; refusal?: GraphQLError };
type Admission = {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  requested: number;
  caller?: { key: string; policy: BucketPolicy };
  charged: number;
  decision?: Decision;
};

const MAX_CACHED_QUERY_LENGTH = 16 * 1024;
const PARSE_CACHE_ENTRIES = 2000;
const MAX_CREDITS = 100_000;

// An oversized body up to this size is read and discarded before the 413, so the client (still
// sending) gets the coded answer instead of a reset connection; past it the connection is closed.
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

function requestTooLarge(max: number, close: boolean): Response {
  const body = { errors: [{ message: `The request body is larger than ${max} bytes.`, extensions: { code: 'REQUEST_TOO_LARGE', max } }] };
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (close) headers.connection = 'close';
  return new Response(JSON.stringify(body), { status: 413, headers });
}

async function discard(body: ReadableStream<Uint8Array> | null, limit: number): Promise<boolean> {
  if (!body) return true;
  const reader = body.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return false;
    }
  }
}

/** The body if it fits in `max`; else whether the rest could be read and dropped ('drained'). */
async function readWithin(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | 'drained' | 'closed'> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return size > max ? 'drained' : Buffer.concat(chunks);
    size += value.byteLength;
    if (size <= max) chunks.push(value);
    else if (size > DRAIN_LIMIT_BYTES) {
      await reader.cancel();
      return 'closed';
    } else chunks.length = 0;
  }
}

function throttleStatus(decision: Decision | undefined) {
  if (!decision) return undefined;
  return {
    maximumAvailable: decision.policy.capacity,
    currentlyAvailable: Math.floor(decision.available),
    restoreRate: decision.policy.restoreRate,
    ...(decision.degraded ? { degraded: decision.degraded } : {}),
  };
}

export function useEdge(options: EdgeOptions): GatewayPlugin {
  let schema: GraphQLSchema | undefined;
  const parsed = new Map<string, Parsed>();
  const admissions = new WeakMap<object, Admission>();
  const actualCosts = new WeakMap<object, number>();
  const selected = new SelectedOperations();
  // Points each caller was over-charged, given back with its next operation (bounded: a caller
  // that never comes back loses its credit, which only ever makes its bucket stricter).
  const credits = new Map<string, number>();
  const owe = (key: string, points: number) => {
    credits.set(key, (credits.get(key) || 0) + points);
    if (credits.size > MAX_CREDITS) credits.delete(credits.keys().next().value!);
  };

  const parse = (query: string): Parsed => {
    const known = parsed.get(query);
    if (known) return known;
    const limits = options.limits;
    const result = parseWithin(query, limits ? limits.maxTokens : Number.MAX_SAFE_INTEGER);
    let entry: Parsed;
    if (result instanceof GraphQLError) entry = { refusal: result };
    else if (!result) entry = {}; // a syntax error: the server's own parser reports it
    else entry = { document: result, refusal: limits && violation(measure(result), limits) };
    if (query.length <= MAX_CACHED_QUERY_LENGTH) {
      if (parsed.size >= PARSE_CACHE_ENTRIES) parsed.delete(parsed.keys().next().value!);
      parsed.set(query, entry);
    }
    return entry;
  };

  const callerOf = (authorization: string | null | undefined, peer: string | undefined, forwarded: string | null) => {
    const rate = options.rateLimit;
    if (!rate) return undefined;
    const subject = authorization ? options.subjectOf(authorization) : undefined;
    if (subject) return { key: `user:${subject}`, policy: rate.signedIn };
    const ip = clientIp(peer, forwarded, options.proxies) || 'unknown';
    return { key: `ip:${addressBucket(ip)}`, policy: rate.anonymous };
  };

  type Refused = { refusal: GraphQLError; extensions?: Record<string, unknown> };

  /** The cost check for one operation: its (uncharged) admission, or why it is refused. */
  const assess = (
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
    caller: Admission['caller'],
  ): Admission | Refused => {
    const requested = options.maxCost !== undefined && schema ? estimateCost(schema, document, operationName, variables) : 0;
    if (options.maxCost !== undefined && requested > options.maxCost) {
      const refusal = new GraphQLError(`The operation's estimated cost is ${requested}; the maximum is ${options.maxCost}.`, {
        extensions: { code: 'QUERY_TOO_COSTLY', cost: requested, maxCost: options.maxCost, http: { status: 400 } },
      });
      return { refusal, extensions: { cost: { requestedQueryCost: requested } } };
    }
    return { document, operationName, variables, requested, caller, charged: 0 };
  };

  /** The caller's bucket pays the estimate, or the operation is refused (429, or 503 closed). */
  const charge = async (admission: Admission): Promise<Admission | Refused> => {
    const { caller } = admission;
    if (!caller || !options.rateLimit) return admission;
    const points = Math.max(1, admission.requested);
    // What earlier operations were over-charged comes back with this one: one Redis call each.
    const credit = credits.get(caller.key) || 0;
    if (credit) credits.delete(caller.key);
    const decision = await options.rateLimit.limiter.spend(caller.key, points - credit, caller.policy);
    if (!decision.allowed) {
      if (credit) owe(caller.key, credit); // refused: nothing was written, the credit waits
      const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      const unavailable = decision.degraded === 'closed';
      const refusal = new GraphQLError(
        unavailable
          ? 'Rate limits cannot be checked right now; try again shortly.'
          : `Rate limited: this operation costs ${points} points and ${Math.floor(decision.available)} are available; ${caller.policy.restoreRate} are restored per second.`,
        {
          extensions: {
            code: unavailable ? 'RATE_LIMITER_UNAVAILABLE' : 'RATE_LIMITED',
            retryAfterSeconds: retryAfter,
            http: { status: unavailable ? 503 : 429, headers: { 'retry-after': String(retryAfter) } },
          },
        },
      );
      return { refusal, extensions: { cost: { requestedQueryCost: admission.requested, throttleStatus: throttleStatus(decision) } } };
    }
    admission.charged = points;
    admission.decision = decision;
    return admission;
  };

  /** `extensions.cost` for a finished operation, refunding what the estimate over-charged. */
  const settle = (admission: Admission, result: { data?: unknown }): Record<string, unknown> | undefined => {
    if (options.maxCost === undefined || !schema) return undefined;
    let actual = result && typeof result === 'object' ? actualCosts.get(result) : undefined;
    if (actual === undefined) {
      actual = actualCost(schema, admission.document, admission.operationName, admission.variables, result ? result.data : undefined);
      if (result && typeof result === 'object') actualCosts.set(result, actual);
    }
    // Charge what the operation really cost: an over-estimate is credited to the caller's next
    // operation (no extra Redis call; until then the bucket errs strict), an under-estimate is
    // charged now, past the capacity if need be.
    const due = Math.max(1, actual) - admission.charged;
    if (due !== 0 && admission.caller && options.rateLimit && admission.decision) {
      const { capacity } = admission.decision.policy;
      admission.decision = { ...admission.decision, available: Math.max(0, Math.min(capacity, admission.decision.available - due)) };
      if (due < 0) owe(admission.caller.key, -due);
      else void options.rateLimit.limiter.spend(admission.caller.key, due, admission.caller.policy, true);
      admission.charged += due;
    }
    const status = throttleStatus(admission.decision);
    return { requestedQueryCost: admission.requested, actualQueryCost: actual, ...(status ? { throttleStatus: status } : {}) };
  };

  const refusedResult = (refused: Refused) => ({
    errors: [refused.refusal],
    ...(refused.extensions ? { extensions: refused.extensions } : {}),
  });

  // A request arriving some other way than HTTP (graphql-ws): same checks, before the planner.
  const checkExecution = ({ args, setResultAndStopExecution }: any) => {
    const context = args.contextValue;
    if (!context || (context.request && admissions.has(context.request))) return;
    const refusal = options.limits && violation(measure(args.document), options.limits);
    if (refusal) return setResultAndStopExecution({ errors: [refusal] });
    const params = context.connectionParams || {};
    const headers = context.request && context.request.headers;
    const authorization = typeof params.authorization === 'string' ? params.authorization : headers && headers.get ? headers.get('authorization') : undefined;
    const socket = (context.req && context.req.socket) || context.socket;
    const assessed = assess(args.document, args.operationName, args.variableValues, callerOf(authorization, socket ? socket.remoteAddress : undefined, null));
    if ('refusal' in assessed) return setResultAndStopExecution(refusedResult(assessed));
    if (!assessed.caller || !options.rateLimit) return;
    return charge(assessed).then((charged) => {
      if ('refusal' in charged) setResultAndStopExecution(refusedResult(charged));
    });
  };

  return {
    onSchemaChange({ schema: next }: any) {
      schema = next;
    },

    // Synchronous unless the body must be read here (no Content-Length) or drained (too large).
    onRequest({ request, endResponse, setRequest }: any) {
      if (request.method !== 'POST' && request.method !== 'PUT' && request.method !== 'PATCH') return;
      const multipart = (request.headers.get('content-type') || '').toLowerCase().startsWith('multipart/form-data');
      const max = multipart ? options.maxUploadBytes : options.maxBodyBytes;
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (Number(declared) <= max) return; // the HTTP server never reads past a declared length
        if (Number(declared) > DRAIN_LIMIT_BYTES) return endResponse(requestTooLarge(max, true));
        return discard(request.body, DRAIN_LIMIT_BYTES).then((drained) => endResponse(requestTooLarge(max, !drained)));
      }
      if (!request.body) return;
      return readWithin(request.body, max).then((body) => {
        if (typeof body === 'string') return endResponse(requestTooLarge(max, body === 'closed'));
        setRequest(new Request(request.url, { method: request.method, headers: request.headers, body }));
      });
    },

    // Synchronous unless the caller's bucket is asked (rate limits on).
    onParams({ request, params, setParams, setResult, context }: any) {
      const resolution = options.trusted.resolve(params || {});
      if (params && 'documentId' in params) {
        // Consumed here: Yoga refuses a request parameter it does not know.
        const { documentId: _id, ...rest } = params;
        params = rest;
        setParams(params);
      }
      if (resolution && 'error' in resolution) {
        // Yoga's own parameter check runs after this hook and wants a query string: the result
        // set here is what the client gets, and nothing executes.
        setParams({ ...params, query: typeof params.query === 'string' ? params.query : '' });
        return setResult({ errors: [resolution.error] });
      }
      if (resolution) {
        params = { ...params, query: resolution.query };
        setParams(params);
      }
      if (!params || typeof params.query !== 'string') return;
      const entry = parse(params.query);
      if (entry.refusal) return setResult({ errors: [entry.refusal] });
      const socket = context && context.req && context.req.socket;
      const caller = callerOf(request.headers.get('authorization'), socket ? socket.remoteAddress : undefined, request.headers.get('x-forwarded-for'));
      if (!entry.document) {
        // A syntax error still costs the caller a point: garbage is not free to send.
        if (caller && options.rateLimit) return options.rateLimit.limiter.spend(caller.key, 1, caller.policy).then(() => undefined);
        return;
      }
      // A document of several operations goes on as the one to run (operation.ts).
      let document = entry.document;
      const alone = selected.of(document, params.operationName);
      if (alone) {
        document = alone.document;
        params = { ...params, query: alone.query };
        setParams(params);
      }
      const variables = params.variables && typeof params.variables === 'object' ? params.variables : undefined;
      const assessed = assess(document, params.operationName, variables, caller);
      if ('refusal' in assessed) return setResult(refusedResult(assessed));
      admissions.set(request, assessed);
      if (!assessed.caller || !options.rateLimit) return;
      return charge(assessed).then((charged) => {
        if ('refusal' in charged) {
          admissions.delete(request);
          setResult(refusedResult(charged));
        }
      });
    },

    onExecute: checkExecution,
    onSubscribe: checkExecution,

    onResultProcess({ request, result, setResult }: any) {
      const admission = admissions.get(request);
      if (!admission || !result || Array.isArray(result) || Symbol.asyncIterator in result) return;
      const cost = settle(admission, result);
      if (cost) setResult({ ...result, extensions: { ...result.extensions, cost } });
    },
  } as GatewayPlugin;
}
