#!/usr/bin/env node
// @ts-check
// The OpenAPI 3.1 document of the shim, generated from the route table and the supergraph:
// parameters from the GraphQL input types they fill, request bodies from the arguments,
// responses from the selection each route's operation makes, links from each list and create
// to the matching retrieve (so stateful fuzzing can chain them).
//
//   node openapi.mjs --write   writes schema/rest-openapi.json (committed; a test checks it)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, camel, inputTypeAt, snake } from './drf.mjs';
import { loadSchema, operationFor, ROOT, rootField } from './operations.mjs';
import { ROUTES } from './routes.mjs';
import { uploadShape } from './uploads.mjs';

export const OPENAPI_PATH = join(ROOT, 'schema', 'rest-openapi.json');

/** @param {string} name */
function scalarSchema(name) {
  switch (name) {
    case 'Int':
      return { type: 'integer' };
    case 'Float':
      return { type: 'number' };
    case 'Boolean':
      return { type: 'boolean' };
    case 'DateTime':
      return { type: 'string', format: 'date-time' };
    case 'ID':
    case 'String':
      return { type: 'string' };
    default:
      return {}; // JSON and other custom scalars: any value
  }
}

/** @param {any} schema @param {boolean} nullable */
function orNull(schema, nullable) {
  if (!nullable) return schema;
  if (schema.type && typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  if (schema.enum) return { ...schema, enum: [...schema.enum, null], type: ['string', 'null'] };
  if (!Object.keys(schema).length) return schema;
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * An input type as JSON Schema (request bodies and parameters), keys in snake_case.
 * @param {import('graphql').GraphQLInputType} type
 * @param {number} [depth]
 * @returns {any}
 */
function inputSchema(type, depth = 0) {
  const nullable = !isNonNullType(type);
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return orNull({ type: 'array', items: inputSchema(inner.ofType, depth + 1) }, nullable);
  if (isEnumType(inner)) return orNull({ type: 'string', enum: inner.getValues().map((v) => v.name) }, nullable);
  if (isScalarType(inner)) return orNull(scalarSchema(inner.name), nullable);
  if (isInputObjectType(inner)) {
    if (depth > 6) return {};
    /** @type {Record<string, any>} */
    const properties = {};
    const required = [];
    for (const field of Object.values(inner.getFields())) {
      properties[snake(field.name)] = inputSchema(field.type, depth + 1);
      if (isNonNullType(field.type) && field.defaultValue === undefined) required.push(snake(field.name));
    }
    return orNull({ type: 'object', properties, ...(required.length ? { required } : {}) }, nullable);
  }
  return {};
}

/**
 * What a selection set answers, as JSON Schema (keys in snake_case, every selected key present).
 * @param {import('graphql').GraphQLOutputType} type
 * @param {readonly import('graphql').SelectionNode[] | undefined} selections
 * @returns {any}
 */
function outputSchema(type, selections) {
  const nullable = !isNonNullType(type);
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return orNull({ type: 'array', items: outputSchema(inner.ofType, selections) }, nullable);
  if (isEnumType(inner)) return orNull({ type: 'string', enum: inner.getValues().map((v) => v.name) }, nullable);
  if (isScalarType(inner)) return orNull(scalarSchema(inner.name), nullable);
  if (!isObjectType(inner)) return {};
  /** @type {Record<string, any>} */
  const properties = {};
  for (const s of selections ?? []) {
    if (s.kind !== Kind.FIELD) continue;
    const field = inner.getFields()[s.name.value];
    properties[snake(s.name.value)] = outputSchema(field.type, s.selectionSet?.selections);
  }
  return orNull({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false }, nullable);
}

const DETAIL = {
  type: 'object',
  properties: { detail: { type: 'string' }, code: { type: 'string' }, errors: { type: 'object' } },
  required: ['detail'],
};
const FIELD_ERRORS = {
  description: 'DRF-style errors: each field with its messages, `non_field_errors` for the rest, or `detail`',
  type: 'object',
  additionalProperties: true,
};

/** @param {string} description @param {Record<string, unknown>} [schema] */
const problem = (description, schema = DETAIL) => ({ description, content: { 'application/json': { schema } } });

/**
 * @param {import('graphql').GraphQLSchema} schema
 * @param {import('./routes.mjs').Route} route
 */
function responseSchema(schema, route) {
  const document = parse(operationFor(schema, route));
  const operation = document.definitions[0];
  if (operation.kind !== Kind.OPERATION_DEFINITION) throw new Error('not an operation');
  const root = operation.selectionSet.selections[0];
  if (root.kind !== Kind.FIELD) throw new Error('not a field');
  const field = rootField(schema, route);
  const selections = root.selectionSet?.selections;
  if (route.kind === 'list') {
    const nodes = selections?.find((s) => s.kind === Kind.FIELD && s.name.value === 'nodes');
    const connection = getNamedType(field.type);
    if (!isObjectType(connection) || !nodes || nodes.kind !== Kind.FIELD) throw new Error('not a connection');
    const page = {
      type: 'object',
      properties: {
        next: { type: ['string', 'null'], format: 'uri' },
        previous: { type: ['string', 'null'], format: 'uri' },
        results: outputSchema(connection.getFields().nodes.type, nodes.selectionSet?.selections),
      },
      required: ['next', 'previous', 'results'],
    };
    if ('totalCount' in connection.getFields()) Object.assign(page.properties, { count: { type: 'integer' } });
    return page;
  }
  if (route.kind === 'mutation') {
    const payload = getNamedType(field.type);
    if (!isObjectType(payload)) throw new Error('not a payload');
    if (route.result) {
      const picked = selections?.find((s) => s.kind === Kind.FIELD && s.name.value === route.result);
      if (!picked || picked.kind !== Kind.FIELD) throw new Error(`${route.name}: no ${route.result}`);
      return outputSchema(payload.getFields()[route.result].type, picked.selectionSet?.selections);
    }
    const rest = (selections ?? []).filter((s) => s.kind === Kind.FIELD && s.name.value !== 'userErrors');
    const answer = outputSchema(payload, rest);
    return answer.anyOf ? answer.anyOf[0] : { ...answer, type: 'object' };
  }
  const answer = outputSchema(field.type, selections);
  if (isObjectType(getNamedType(field.type))) return answer.anyOf ? answer.anyOf[0] : answer;
  return { type: 'object', properties: { [snake(route.field)]: answer }, required: [snake(route.field)] };
}

/**
 * @param {import('graphql').GraphQLSchema} schema
 * @param {import('./routes.mjs').Route} route
 */
function parameters(schema, route) {
  const field = rootField(schema, route);
  /** @type {{ name: string, in: string, required: boolean, description?: string, schema: Record<string, unknown> }[]} */
  const found = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1 },
  }));
  for (const [param, path] of Object.entries(route.params ?? {})) {
    const type = inputTypeAt(field, path);
    const plain = inputSchema(isNonNullType(type) ? type.ofType : type);
    const single = plain.type === 'array' || (Array.isArray(plain.type) && plain.type.includes('array'));
    const value = single ? { type: 'string', description: 'comma-separated values' } : dropNull(plain);
    found.push({ name: param, in: 'query', required: Boolean(route.required?.includes(param)), schema: value });
  }
  if (route.ordering) {
    found.push({ name: 'ordering', in: 'query', required: false, schema: { type: 'string', enum: Object.keys(route.ordering) } });
  }
  if (route.kind === 'list') {
    found.push(
      { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
      {
        name: 'page_size',
        in: 'query',
        required: false,
        description: `Rows per page (${DEFAULT_PAGE_SIZE} by default); more than ${MAX_PAGE_SIZE} is served as ${MAX_PAGE_SIZE}, as DRF clamps`,
        schema: { type: 'integer', minimum: 1, default: DEFAULT_PAGE_SIZE },
      },
    );
  }
  if (route.viewset.startsWith('Cart')) {
    const description = "A guest's cart token (from `cart_token` in an add's answer), instead of signing in";
    found.push({ name: 'X-Cart-Token', in: 'header', required: false, description, schema: { type: 'string' } });
  }
  const args = new Set(field.args.map((a) => a.name));
  if (args.has('idempotencyKey')) {
    found.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } });
  }
  if (args.has('expectedVersion')) {
    found.push({ name: 'If-Match', in: 'header', required: false, schema: { type: 'string', pattern: '^(W/)?"?\\d+"?$' } });
  }
  return found;
}

/** @param {any} schema */
function dropNull(schema) {
  if (Array.isArray(schema.type)) return { ...schema, type: schema.type.find((/** @type {string} */ t) => t !== 'null') };
  if (schema.enum) return { ...schema, enum: schema.enum.filter((/** @type {unknown} */ v) => v !== null) };
  return schema;
}

/**
 * @param {import('graphql').GraphQLSchema} schema
 * @param {import('./routes.mjs').Route} route
 */
function requestBody(schema, route) {
  if (route.upload) return formBody(schema, route);
  if (route.kind !== 'mutation' || !route.body) return undefined;
  const field = rootField(schema, route);
  const keys = new Set([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => camel(m[1])));
  let body;
  if (route.body === 'args') {
    /** @type {Record<string, any>} */
    const properties = {};
    const required = [];
    for (const arg of field.args) {
      if (keys.has(arg.name) || arg.name === 'id' || arg.name === 'idempotencyKey' || arg.name === 'expectedVersion') continue;
      properties[snake(arg.name)] = inputSchema(arg.type);
      if (isNonNullType(arg.type) && arg.defaultValue === undefined) required.push(snake(arg.name));
    }
    body = { type: 'object', properties, ...(required.length ? { required } : {}) };
  } else {
    body = dropNull(inputSchema(inputTypeAt(field, route.body)));
  }
  return { required: route.body !== 'args', content: { 'application/json': { schema: body } } };
}

/**
 * A multipart form: one optional file field per kind of document, each one file or several.
 * @param {import('graphql').GraphQLSchema} schema
 * @param {import('./routes.mjs').Route} route
 */
function formBody(schema, route) {
  const shape = uploadShape(rootField(schema, route), route.upload ?? '');
  const file = { type: 'string', contentMediaType: 'application/octet-stream' };
  const properties = Object.fromEntries([...shape.kinds.keys()].map((k) => [k, { anyOf: [file, { type: 'array', items: file, minItems: 1 }] }]));
  return {
    required: true,
    content: { 'multipart/form-data': { schema: { type: 'object', properties, additionalProperties: false, minProperties: 1 } } },
  };
}

/** @param {import('graphql').GraphQLSchema} schema */
export function buildDocument(schema = loadSchema()) {
  /** @type {Record<string, Record<string, any>>} */
  const paths = {};
  for (const route of ROUTES) {
    const operation = {
      operationId: route.name + (paths[route.path]?.[route.method.toLowerCase()] ? 'Alias' : ''),
      tags: [route.viewset],
      summary: route.summary,
      description: `Runs the persisted GraphQL operation \`${route.name}\` (\`${route.field}\`) through the router.`,
      parameters: parameters(schema, route),
      ...(requestBody(schema, route) ? { requestBody: requestBody(schema, route) } : {}),
      ...(route.public ? { security: [{}, { bearer: [] }] } : {}),
      responses: responses(schema, route),
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  addLinks(paths);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Marketplace REST API (compatibility)',
      version: '1.0.0',
      description:
        "The spec's Django REST Framework endpoints, each served by one persisted GraphQL operation through the federation router: the same authorization, caching and events as the GraphQL API.",
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}

/**
 * @param {import('graphql').GraphQLSchema} schema
 * @param {import('./routes.mjs').Route} route
 */
function responses(schema, route) {
  const ok = route.noContent
    ? { 204: { description: 'Done' } }
    : { [route.created ? 201 : 200]: { description: 'OK', content: { 'application/json': { schema: responseSchema(schema, route) } } } };
  /** @type {Record<string, any>} */
  const found = { ...ok };
  if (route.method === 'GET') found[304] = { description: 'Not modified (If-None-Match matched the ETag)' };
  found[400] = problem('Invalid input', FIELD_ERRORS);
  found[401] = problem('Not signed in, or the token is not valid');
  found[403] = problem('Not allowed');
  found[404] = problem('Not found (or not yours)');
  if (route.kind === 'mutation') {
    found[409] = problem('Conflict with the current state');
    found[412] = problem('The version in If-Match is not the current one');
    found[413] = problem('Request body too large');
    found[415] = problem(route.upload ? 'The body is not a multipart form' : 'The body is not JSON');
  }
  found[429] = problem('Rate limited: retry after Retry-After seconds');
  found[503] = problem('A service behind the API is unavailable: retry after Retry-After seconds');
  return found;
}

/** @param {Record<string, Record<string, any>>} paths */
function addLinks(paths) {
  for (const [path, methods] of Object.entries(paths)) {
    const itemPath = Object.keys(paths).find((p) => p.startsWith(path) && /^\{id\}\/$/.test(p.slice(path.length)));
    const item = itemPath ? paths[itemPath].get : undefined;
    if (!item) continue;
    if (methods.get?.responses[200]) {
      methods.get.responses[200].links = {
        [`retrieve`]: { operationId: item.operationId, parameters: { id: '$response.body#/results/0/id' } },
      };
    }
    const created = methods.post?.responses[201];
    const createdSchema = created?.content?.['application/json']?.schema;
    if (created && createdSchema?.properties?.id) {
      created.links = { retrieve: { operationId: item.operationId, parameters: { id: '$response.body#/id' } } };
    }
  }
}

function main() {
  const text = JSON.stringify(buildDocument(), null, 2) + '\n';
  if (process.argv.includes('--check')) {
    const committed = (() => {
      try {
        return readFileSync(OPENAPI_PATH, 'utf8');
      } catch {
        return '';
      }
    })();
    if (committed === text) return 0;
    console.error('schema/rest-openapi.json is stale; run `npm --prefix rest run openapi`');
    return 1;
  }
  writeFileSync(OPENAPI_PATH, text);
  console.log(`rest openapi: ${Object.keys(JSON.parse(text).paths).length} paths in ${OPENAPI_PATH}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
