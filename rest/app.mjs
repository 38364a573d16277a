// @ts-check
// The shim's request handling: match a route, turn the request into variables, send the
// route's persisted operation through the router, turn the answer into DRF's shape.
//
// No business logic and no data of its own: who may see what, caching and events all stay
// behind the router. What the shim decides itself: the route, DRF's URL conventions
// (trailing slashes, cursor links, `?ordering=`), status codes and ETags.
import { createHash } from 'node:crypto';
import { getNamedType, isListType, isNonNullType, isScalarType } from 'graphql';
import { operationFor, rootField, documentId } from './operations.mjs';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  RestError,
  coerce,
  camel,
  decodeCursor,
  encodeCursor,
  fieldErrors,
  inputTypeAt,
  mergeInto,
  setPath,
  snake,
  statusOf,
  toCamel,
  toSnake,
} from './drf.mjs';
import { ROUTES } from './routes.mjs';
import { formVariables, multipartRequest, uploadShape } from './uploads.mjs';

/** The largest request body the shim reads (the router allows the same). */
export const MAX_BODY = 256 * 1024;
const SEARCH_PAGE_MAX = 50;
/** Request headers the router (and the subgraphs behind it) get from the client. */
const FORWARDED = ['authorization', 'cookie', 'x-csrf-token', 'x-cart-token', 'x-request-id', 'accept-language', 'user-agent'];
/** The router scopes the refresh cookie to its GraphQL path; REST clients refresh under /api/auth/. */
const COOKIE_PATH = /;\s*Path=\/graphql/i;

/**
 * @typedef {{
 *   route: import('./routes.mjs').Route, pattern: RegExp, keys: string[],
 *   field: import('graphql').GraphQLField<unknown, unknown>, document: string, id: string,
 *   upload?: import('./uploads.mjs').UploadShape,
 * }} Compiled
 * @typedef {{ status: number, headers: Record<string, string | string[]>, body?: unknown, text?: string }} Reply
 * @typedef {{ status: number, headers: Record<string, string | string[] | undefined>, body?: any, text?: string }} Upstream
 *   the router's answer: its raw `text` (parsed here) or an already parsed `body`
 * @typedef {(body: Record<string, unknown> | import('undici').FormData, headers: Record<string, string>) => Promise<Upstream>} Send
 *   a JSON operation, or a GraphQL multipart request (its content type is the form's own)
 */

/** @param {import('graphql').GraphQLSchema} schema @returns {Compiled[]} */
export function compile(schema) {
  return ROUTES.map((route) => {
    const keys = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const pattern = new RegExp(`^${route.path.replace(/\{\w+\}/g, '([^/]+)')}$`);
    const document = operationFor(schema, route);
    const field = rootField(schema, route);
    const upload = route.upload ? uploadShape(field, route.upload) : undefined;
    return { route, pattern, keys, field, document, id: documentId(document), upload };
  });
}

/** @param {string} text */
const etagOf = (text) => `W/"${createHash('sha1').update(text).digest('base64url')}"`;

/**
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string | string[]>} [headers]
 */
function json(status, body, headers = {}) {
  return /** @type {Reply} */ ({ status, headers: { 'content-type': 'application/json', ...headers }, body });
}

/**
 * The variables of a list, a retrieve or an action from the request.
 * @param {Compiled} c
 * @param {string[]} pathValues
 * @param {URLSearchParams} query
 * @param {unknown} body
 * @param {Record<string, string | undefined>} headers
 */
export function variablesFor(c, pathValues, query, body, headers) {
  const { route, field } = c;
  const args = new Set(field.args.map((a) => a.name));
  /** @type {Record<string, any>} */
  const variables = {};
  c.keys.forEach((key, i) => {
    const name = camel(key);
    variables[args.has(name) ? name : 'id'] = decodeURIComponent(pathValues[i]);
  });
  for (const [param, path] of Object.entries(route.params ?? {})) {
    const raw = query.getAll(param);
    const type = inputTypeAt(field, path);
    if (!raw.length || raw.every((r) => r === '')) {
      if (route.required?.includes(param)) throw new RestError(400, { [param]: ['This query parameter is required.'] });
      // `?search=` filters nothing, as in django-filter; a blank number or choice is an error.
      if (raw.length && !isTextual(type)) throw new RestError(400, { [param]: ['This field may not be blank.'] });
      continue;
    }
    setPath(variables, path, coerce(param, raw, type));
  }
  if (route.ordering) {
    const ordering = query.get('ordering');
    if (ordering) {
      const chosen = route.ordering[ordering];
      if (!chosen) {
        const choices = Object.keys(route.ordering).join(', ');
        throw new RestError(400, { ordering: [`"${ordering}" is not one of ${choices}.`] });
      }
      mergeInto(variables, structuredClone(chosen));
    }
  }
  if (route.kind === 'list') Object.assign(variables, pageVariables(c, query));
  if (route.kind === 'mutation') Object.assign(variables, bodyVariables(c, body, args));
  const key = headers['idempotency-key'];
  if (key && args.has('idempotencyKey')) variables.idempotencyKey = key;
  const version = headers['if-match'];
  if (version !== undefined && args.has('expectedVersion')) {
    const found = /^(?:W\/)?"?(\d{1,9})"?$/.exec(version.trim());
    if (!found) throw new RestError(400, { detail: 'If-Match takes the version (an integer).' });
    variables.expectedVersion = Number(found[1]);
  }
  return variables;
}

/** Text, an id or a comma-separated list: documented as strings, so a blank one is no filter.
 * @param {import('graphql').GraphQLInputType} type */
function isTextual(type) {
  const named = getNamedType(type);
  if (isListType(isNonNullType(type) ? type.ofType : type)) return true;
  return isScalarType(named) && (named.name === 'String' || named.name === 'ID');
}

/** @param {Compiled} c @param {URLSearchParams} query */
function pageVariables(c, query) {
  const max = c.route.field === 'search' ? SEARCH_PAGE_MAX : MAX_PAGE_SIZE;
  let size = DEFAULT_PAGE_SIZE;
  const raw = query.get('page_size');
  // Present, it must be a positive integer (blank too is refused: the document says integer).
  if (raw !== null) {
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) throw new RestError(400, { page_size: ['A valid positive integer is required.'] });
    size = Math.min(Number(raw), max); // DRF clamps to the maximum
  }
  const cursor = query.get('cursor');
  const place = cursor ? decodeCursor(cursor) : {};
  const backwards = place.before !== undefined && c.field.args.some((a) => a.name === 'before');
  if (place.before !== undefined && !backwards) throw new RestError(404, { detail: 'Invalid cursor', code: 'INVALID_CURSOR' });
  return backwards ? { last: size, before: place.before } : { first: size, ...(place.after ? { after: place.after } : {}) };
}

/** @param {Compiled} c @param {unknown} body @param {Set<string>} args */
function bodyVariables(c, body, args) {
  const into = c.route.body;
  if (!into) return {};
  if (into === 'args') {
    if (body === undefined) return {};
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RestError(400, { detail: 'The body must be a JSON object.' });
    /** @type {Record<string, unknown>} */
    const found = {};
    for (const [k, v] of Object.entries(body)) {
      const name = camel(k);
      if (args.has(name) && name !== 'idempotencyKey') found[name] = toCamel(v);
    }
    return found;
  }
  if (body === undefined) throw new RestError(400, { detail: 'A JSON body is required.' });
  // A bulk argument takes the list itself or `{"<arg>": [...]}`.
  const value = body && typeof body === 'object' && !Array.isArray(body) && snake(into) in body ? /** @type {any} */ (body)[snake(into)] : body;
  return { [into]: toCamel(value) };
}

/**
 * The DRF answer for the router's answer.
 * @param {Compiled} c
 * @param {Upstream} upstream
 * @param {URL} url
 * @param {Record<string, any>} variables
 * @returns {Reply}
 */
export function shape(c, upstream, url, variables) {
  const { route } = c;
  const body = upstream.body && typeof upstream.body === 'object' ? upstream.body : {};
  const retryAfter = upstream.headers['retry-after'];
  const errors = Array.isArray(body.errors) ? body.errors : [];
  if (errors.length || !body.data) {
    const first = errors[0] ?? { message: 'The API answered without data.' };
    const code = first.extensions?.code ?? (upstream.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'BAD_REQUEST');
    const status = statusOf(code);
    /** @type {Record<string, string>} */
    const headers = {};
    const seconds = first.extensions?.retryAfterSeconds ?? retryAfter;
    if ((status === 429 || status === 503) && seconds !== undefined) Object.assign(headers, { 'retry-after': String(seconds) });
    return json(status, { detail: String(first.message ?? 'error'), code }, headers);
  }
  const value = body.data[route.field];
  if (route.kind === 'list') {
    const results = toSnake(value.nodes);
    const info = value.pageInfo;
    const backwards = variables.before !== undefined;
    const hasNext = backwards ? true : info.hasNextPage;
    const hasPrevious = backwards ? info.hasPreviousPage : variables.after !== undefined;
    const canGoBack = c.field.args.some((a) => a.name === 'before');
    /** @type {Record<string, unknown>} */
    const page = {
      next: hasNext && info.endCursor ? link(url, encodeCursor('a', info.endCursor)) : null,
      previous: hasPrevious && canGoBack && info.startCursor ? link(url, encodeCursor('b', info.startCursor)) : null,
    };
    if (typeof value.totalCount === 'number') page.count = value.totalCount;
    page.results = results;
    return json(200, page);
  }
  if (route.kind !== 'mutation') {
    if (value === null || value === undefined) return json(404, { detail: 'Not found.', code: 'NOT_FOUND' });
    return json(200, value && typeof value === 'object' ? toSnake(value) : { [snake(route.field)]: value });
  }
  const userErrors = Array.isArray(value?.userErrors) ? value.userErrors : [];
  if (userErrors.length) {
    const status = statusOf(userErrors[0].code ?? undefined);
    const arg = route.body && route.body !== 'args' ? route.body : undefined;
    const detail = fieldErrors(userErrors, arg);
    return json(status, status === 400 ? detail : { detail: userErrors[0].message, code: userErrors[0].code, errors: detail });
  }
  const headers = cookieHeaders(c, upstream);
  if (route.noContent) return { status: 204, headers };
  const { userErrors: _ignored, ...rest } = value ?? {};
  const result = route.result ? rest[route.result] : rest;
  return json(route.created ? 201 : 200, toSnake(result), headers);
}

/**
 * @param {Compiled} c
 * @param {{ headers: Record<string, string | string[] | undefined> }} upstream
 * @returns {Record<string, string | string[]>}
 */
function cookieHeaders(c, upstream) {
  if (!c.route.cookies) return {};
  const raw = upstream.headers['set-cookie'];
  const cookies = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return cookies.length ? { 'set-cookie': cookies.map((k) => k.replace(COOKIE_PATH, '; Path=/api/auth/')) } : {};
}

/** @param {URL} url @param {string} cursor */
function link(url, cursor) {
  const next = new URL(url);
  next.searchParams.set('cursor', cursor);
  return next.toString();
}

/**
 * Everything but the docs: one request in, one DRF reply out.
 * @param {Compiled[]} routes
 * @param {Send} send
 */
export function handler(routes, send, { memoSize = 2_000 } = {}) {
  /** Shaped answers by (URL, the router's exact bytes): the router decided what the answer is,
   * for this caller; the shim only avoids re-shaping bytes it has shaped before.
   * @type {Map<string, { reply: Reply, etag: string }>} */
  const memo = new Map();
  /** The router's ETag of the last answer memoised per URL (a hint: the router decides).
   * @type {Map<string, string>} */
  const routerTags = new Map();
  /**
   * @param {{ method: string, url: URL, headers: Record<string, string | undefined>, body: string | undefined, raw?: Buffer, clientIp?: string }} req
   *   `raw`: the body's bytes, for multipart forms
   * @returns {Promise<Reply>}
   */
  return async function handle(req) {
    const { method, url } = req;
    const path = url.pathname;
    const matching = routes
      .map((c) => ({ c, m: c.pattern.exec(path) }))
      .filter(/** @returns {x is { c: Compiled, m: RegExpExecArray }} */ (x) => x.m !== null);
    if (!matching.length) {
      const slashed = `${path}/`;
      if (!path.endsWith('/') && routes.some((c) => c.pattern.test(slashed))) {
        if (method === 'GET' || method === 'HEAD') {
          return { status: 301, headers: { location: `${slashed}${url.search}` } };
        }
        return json(404, { detail: `Not found. The endpoint is ${slashed} (with its trailing slash).` });
      }
      return json(404, { detail: 'Not found.' });
    }
    const allowed = [...new Set(matching.map((x) => x.c.route.method))];
    const wanted = method === 'HEAD' ? 'GET' : method;
    if (method === 'OPTIONS') {
      return json(200, { name: matching[0].c.route.viewset, methods: allowed }, { allow: [...allowed, 'OPTIONS'].join(', ') });
    }
    const hit = matching.find((x) => x.c.route.method === wanted);
    if (!hit) {
      return json(405, { detail: `Method "${method}" not allowed.` }, { allow: [...allowed, 'OPTIONS'].join(', ') });
    }
    const { c, m } = hit;
    try {
      let body;
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      let upload;
      if (c.upload) {
        if (type !== 'multipart/form-data') throw new RestError(415, { detail: `Unsupported media type "${type}" in request; send multipart/form-data.` });
        upload = await formVariables(c.upload, req.raw, req.headers['content-type'] ?? '');
      } else if (c.route.kind === 'mutation' && type === 'multipart/form-data') {
        throw new RestError(415, { detail: 'Unsupported media type "multipart/form-data" in request.' });
      } else if (c.route.kind === 'mutation' && req.body !== undefined && req.body.trim() !== '') {
        if (type !== 'application/json') throw new RestError(415, { detail: `Unsupported media type "${type}" in request.` });
        if (req.body.length > MAX_BODY) throw new RestError(413, { detail: 'Request body too large.' });
        try {
          body = JSON.parse(req.body);
        } catch {
          throw new RestError(400, { detail: 'JSON parse error.' });
        }
      }
      const variables = variablesFor(c, m.slice(1), url.searchParams, body, req.headers);
      const headers = forwardedHeaders(req);
      const operation = { documentId: `sha256:${c.id}`, operationName: c.route.name, variables };
      if (upload) {
        Object.assign(variables, upload.variables);
        delete headers['content-type']; // the form's own multipart type goes out
      }
      // The router's ETag of the last answer here: if it would send those bytes again, it says
      // 304 instead, and the answer shaped from them before is served.
      const tag = wanted === 'GET' ? routerTags.get(url.href) : undefined;
      if (tag && memo.has(`${url.href}\n${tag}`)) headers['if-none-match'] = tag;
      const asked = performance.now();
      let upstream = await send(c.upload && upload ? multipartRequest(operation, c.upload, upload.files) : operation, headers);
      let key = upstream.status === 304 && tag ? `${url.href}\n${tag}` : undefined;
      if (key && !memo.has(key)) {
        delete headers['if-none-match']; // evicted meanwhile: ask for the bytes
        upstream = await send(operation, headers);
        key = undefined;
      }
      const answered = performance.now();
      const routerTag = typeof upstream.headers.etag === 'string' ? upstream.headers.etag : undefined;
      if (wanted === 'GET' && upstream.status === 200 && upstream.text !== undefined && !upstream.headers['set-cookie']) {
        key = `${url.href}\n${routerTag ?? createHash('sha1').update(upstream.text).digest('base64')}`;
      }
      const seen = key && memo.get(key);
      if (key && seen) {
        memo.delete(key); // most recently used last
        memo.set(key, seen);
        const reply = { ...seen.reply, headers: { ...seen.reply.headers } };
        passThrough(reply, upstream, wanted, asked, answered);
        return finish(reply, seen.etag, req.headers['if-none-match'], method === 'HEAD');
      }
      if (upstream.text !== undefined) upstream.body = parseOrUndefined(upstream.text);
      const reply = shape(c, upstream, url, variables);
      if (wanted === 'GET' && reply.status === 200) {
        const text = JSON.stringify(reply.body);
        const etag = etagOf(text);
        const shaped = { status: 200, headers: reply.headers, text };
        if (key) {
          memo.set(key, { reply: shaped, etag });
          if (memo.size > memoSize) memo.delete(memo.keys().next().value ?? '');
          if (routerTag) {
            routerTags.delete(url.href);
            routerTags.set(url.href, routerTag);
            if (routerTags.size > memoSize) routerTags.delete(routerTags.keys().next().value ?? '');
          }
        }
        const served = { ...shaped, headers: { ...shaped.headers } };
        passThrough(served, upstream, wanted, asked, answered);
        return finish(served, etag, req.headers['if-none-match'], method === 'HEAD');
      }
      passThrough(reply, upstream, wanted, asked, answered);
      return reply;
    } catch (error) {
      if (error instanceof RestError) return json(error.status, error.body, error.headers);
      return json(503, { detail: 'The API is unavailable; retry shortly.', code: 'SERVICE_UNAVAILABLE' }, { 'retry-after': '2' });
    }
  };
}

/** @param {string} text */
function parseOrUndefined(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // the router answered something else than JSON: a coded 503 follows
  }
}

/**
 * The headers that belong to this request, not to the shaped answer.
 * @param {Reply} reply @param {Upstream} upstream @param {string} wanted @param {number} asked @param {number} answered
 */
function passThrough(reply, upstream, wanted, asked, answered) {
  if (upstream.headers['x-request-id']) reply.headers['x-request-id'] = String(upstream.headers['x-request-id']);
  // The router's cache verdict and lifetime, for clients and for whoever debugs a slow page.
  for (const name of ['cache-control', 'x-cache', 'age']) {
    const value = upstream.headers[name];
    if (wanted === 'GET' && value !== undefined) reply.headers[name] = String(value);
  }
  // How long the router took, and the shim around it (Server-Timing, for browsers' tools).
  reply.headers['server-timing'] = `router;dur=${(answered - asked).toFixed(1)}, shim;dur=${(performance.now() - answered).toFixed(1)}`;
}

/** @param {Reply} reply @param {string} etag @param {string | undefined} ifNoneMatch @param {boolean} head */
function finish(reply, etag, ifNoneMatch, head) {
  reply.headers.etag = etag;
  if (ifNoneMatch && ifNoneMatch.split(',').map((s) => s.trim()).includes(etag)) return { status: 304, headers: { etag } };
  return head ? { ...reply, text: '' } : reply;
}

/** @param {{ headers: Record<string, string | undefined>, clientIp?: string }} req */
function forwardedHeaders(req) {
  /** @type {Record<string, string>} */
  const out = { 'content-type': 'application/json', accept: 'application/json' };
  for (const name of FORWARDED) {
    const v = req.headers[name];
    if (v) out[name] = v;
  }
  // The shim is a proxy: the router learns the client's address (it trusts the shim's hop
  // only when ROUTER_TRUSTED_PROXIES lists it).
  const prior = req.headers['x-forwarded-for'];
  if (req.clientIp) out['x-forwarded-for'] = prior ? `${prior}, ${req.clientIp}` : req.clientIp;
  // A GET through the shim is still a GraphQL POST: the router's CSRF rule wants a header.
  out['graphql-preflight'] = '1';
  return out;
}
