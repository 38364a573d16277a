// @ts-check
// Django REST Framework's conventions, translated both ways: query parameters, paths and bodies
// into GraphQL variables; GraphQL answers into DRF bodies and status codes.
import { getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType } from 'graphql';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A request the shim refuses itself, as DRF would (`{"detail": …}` or field errors). */
export class RestError extends Error {
  /**
   * @param {number} status
   * @param {Record<string, unknown>} body
   * @param {Record<string, string>} [headers]
   */
  constructor(status, body, headers = {}) {
    super(typeof body.detail === 'string' ? body.detail : 'invalid request');
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export const snake = (/** @type {string} */ name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const camel = (/** @type {string} */ name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** @type {Map<string, string>} Field names repeat on every row: convert each once. */
const SNAKE = new Map();

/** Object keys in snake_case, all the way down (values untouched). */
export function toSnake(/** @type {unknown} */ value) {
  if (Array.isArray(value)) return value.map(toSnake);
  if (value && typeof value === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const k in value) {
      let name = SNAKE.get(k);
      if (name === undefined) {
        name = snake(k);
        if (SNAKE.size < 10_000) SNAKE.set(k, name);
      }
      out[name] = toSnake(/** @type {Record<string, unknown>} */ (value)[k]);
    }
    return out;
  }
  return value;
}

/** Object keys in camelCase, all the way down. */
export function toCamel(/** @type {unknown} */ value) {
  if (Array.isArray(value)) return value.map(toCamel);
  if (value && typeof value === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, v] of Object.entries(value)) out[camel(k)] = toCamel(v);
    return out;
  }
  return value;
}

/**
 * The GraphQL input type at `path` (`filter.price.min`) under a root field's arguments.
 * @param {import('graphql').GraphQLField<unknown, unknown>} field
 * @param {string} path
 * @returns {import('graphql').GraphQLInputType}
 */
export function inputTypeAt(field, path) {
  const [head, ...rest] = path.split('.');
  const arg = field.args.find((a) => a.name === head);
  if (!arg) throw new Error(`${field.name} has no argument ${head}`);
  /** @type {import('graphql').GraphQLInputType} */
  let type = arg.type;
  for (const part of rest) {
    const named = getNamedType(type);
    if (!isInputObjectType(named)) throw new Error(`${path}: ${named.name} has no fields`);
    const found = named.getFields()[part];
    if (!found) throw new Error(`${path}: ${named.name} has no field ${part}`);
    type = found.type;
  }
  return type;
}

const TRUE = new Set(['true', '1', 'yes', 'on', 'True']);
const FALSE = new Set(['false', '0', 'no', 'off', 'False']);

/**
 * One query parameter's text as the value its GraphQL input type takes.
 * @param {string} param  the parameter's name (for the error)
 * @param {string[]} raw  every occurrence (`?status=A&status=B`, or one comma-separated)
 * @param {import('graphql').GraphQLInputType} type
 */
export function coerce(param, raw, type) {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const items = raw.flatMap((r) => r.split(',')).map((s) => s.trim()).filter(Boolean);
    return items.map((item) => coerce(param, [item], inner.ofType));
  }
  const text = raw[raw.length - 1];
  const named = getNamedType(inner);
  if (isEnumType(named)) {
    const value = named.getValue(text.toUpperCase());
    if (!value) {
      const choices = named.getValues().map((v) => v.name.toLowerCase());
      throw new RestError(400, { [param]: [`Select a valid choice. "${text}" is not one of ${choices.join(', ')}.`] });
    }
    return value.name;
  }
  if (isScalarType(named)) {
    if (named.name === 'Int') {
      if (!/^-?\d{1,15}$/.test(text)) throw new RestError(400, { [param]: ['A valid integer is required.'] });
      const n = Number(text);
      if (n > 2 ** 31 - 1 || n < -(2 ** 31)) throw new RestError(400, { [param]: ['Ensure this value is a 32-bit integer.'] });
      return n;
    }
    if (named.name === 'Boolean') {
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
      throw new RestError(400, { [param]: ['Must be a valid boolean.'] });
    }
    return text;
  }
  throw new RestError(400, { [param]: ['This filter takes no plain value.'] });
}

/** Sets `value` at a dotted path inside `target`, creating objects on the way. */
export function setPath(/** @type {Record<string, any>} */ target, /** @type {string} */ path, /** @type {unknown} */ value) {
  const parts = path.split('.');
  let at = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
    at = at[part];
  }
  at[parts[parts.length - 1]] = value;
}

/** Merges ordering variables (`{ sort: { field, direction } }`) into the variables. */
export function mergeInto(/** @type {Record<string, any>} */ target, /** @type {Record<string, any>} */ extra) {
  for (const [k, v] of Object.entries(extra)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof target[k] === 'object' && target[k]) mergeInto(target[k], v);
    else target[k] = v;
  }
}

/** DRF's cursor: ours wraps the GraphQL cursor and which way it pages. */
export function encodeCursor(/** @type {'a' | 'b'} */ way, /** @type {string} */ cursor) {
  return Buffer.from(JSON.stringify({ [way]: cursor })).toString('base64url');
}

/** @returns {{ after?: string, before?: string }} */
export function decodeCursor(/** @type {string} */ raw) {
  try {
    const body = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (body && typeof body.a === 'string') return { after: body.a };
    if (body && typeof body.b === 'string') return { before: body.b };
  } catch {
    // falls through to the refusal
  }
  throw new RestError(404, { detail: 'Invalid cursor', code: 'INVALID_CURSOR' });
}

/** DRF's status for a GraphQL error code (and for a userError's code). */
export function statusOf(/** @type {string | undefined} */ code) {
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'INVALID_CREDENTIALS':
    case 'INVALID_REFRESH_TOKEN':
    case 'REFRESH_TOKEN_REUSED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
    case 'ADDRESS_NOT_FOUND':
      return 404;
    case 'CONFLICT':
    case 'EMAIL_TAKEN':
    case 'DUPLICATE_SKU':
    case 'CHECKOUT_IN_PROGRESS':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'ALREADY_SHIPPED':
    case 'ILLEGAL_TRANSITION':
    case 'KYC_IN_PROGRESS':
      return 409;
    case 'STALE_CART_VERSION':
      return 412;
    case 'REQUEST_TOO_LARGE':
      return 413;
    case 'RATE_LIMITED':
    case 'LOGIN_THROTTLED':
      return 429;
    case 'SERVICE_UNAVAILABLE':
    case 'SEARCH_UNAVAILABLE':
    case 'CATALOG_UNAVAILABLE':
    case 'RATE_LIMITER_UNAVAILABLE':
      return 503;
    case 'INTERNAL_SERVER_ERROR':
    case 'PERSISTED_QUERY_NOT_FOUND':
    case 'PERSISTED_QUERY_HASH_MISMATCH':
      return 502;
    default:
      return 400;
  }
}

/**
 * `userErrors` as DRF field errors: `{"email": ["…"]}`, `non_field_errors` without a field.
 * @param {{ field?: string[] | null, message: string, code?: string | null }[]} errors
 * @param {string | undefined} bodyArg  the argument the body fills (its name is not repeated)
 */
export function fieldErrors(errors, bodyArg) {
  /** @type {Record<string, string[]>} */
  const out = {};
  for (const e of errors) {
    let path = [...(e.field ?? [])];
    if (bodyArg && path[0] === bodyArg) path = path.slice(1);
    const key = path.length ? path.map((p) => snake(String(p))).join('.') : 'non_field_errors';
    (out[key] ??= []).push(e.message);
  }
  return out;
}
