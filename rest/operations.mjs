#!/usr/bin/env node
// @ts-check
// One persisted GraphQL operation per REST route, written to clients/rest/<Name>.graphql.
//
//   node operations.mjs --write   (re)write the files from routes.mjs and the supergraph
//   node operations.mjs --check   exit 1 if the committed files are stale
//
// The router's trusted-documents manifest (`npm --prefix router run trusted-documents`) picks
// them up like any first-party client's, so the shim sends only `documentId`s.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { astFromValue, buildSchema, getNamedType, isObjectType, parse, print, validate } from 'graphql';
import { ROUTES } from './routes.mjs';
import { selectionOf } from './selection.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '..');
export const SUPERGRAPH = join(ROOT, 'schema', 'supergraph.graphql');
export const OPERATIONS_DIR = join(ROOT, 'clients', 'rest');
const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/** The supergraph as clients see it (federation's own types are there too, and harmless). */
export function loadSchema(path = SUPERGRAPH) {
  return buildSchema(readFileSync(path, 'utf8'), { assumeValidSDL: true });
}

/**
 * @param {import('graphql').GraphQLSchema} schema
 * @param {import('./routes.mjs').Route} route
 */
export function rootField(schema, route) {
  const root = route.kind === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  const field = root?.getFields()[route.field];
  if (!field) throw new Error(`${route.method} ${route.path}: no root field ${route.field}`);
  return field;
}

/**
 * @param {import('graphql').GraphQLObjectType} payload
 * @returns {string}
 */
function payloadSelection(payload) {
  const parts = [];
  for (const field of Object.values(payload.getFields())) {
    const named = getNamedType(field.type);
    if (field.name === 'userErrors') parts.push('userErrors { field message code }');
    else if (isObjectType(named)) parts.push(`${field.name} { ${selectionOf(named, 1)} }`);
    else parts.push(field.name);
  }
  return parts.join(' ');
}

/**
 * The operation a route runs, as printed GraphQL.
 * @param {import('graphql').GraphQLSchema} schema
 * @param {import('./routes.mjs').Route} route
 */
export function operationFor(schema, route) {
  const field = rootField(schema, route);
  // Each variable keeps its argument's default, so a non-null argument with one stays optional.
  const variables = field.args
    .map((a) => {
      const fallback = a.defaultValue === undefined ? undefined : astFromValue(a.defaultValue, a.type);
      return `$${a.name}: ${a.type}${fallback ? ` = ${print(fallback)}` : ''}`;
    })
    .join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const returned = getNamedType(field.type);
  let selection;
  if (!isObjectType(returned)) {
    selection = ''; // a scalar or an enum: the value itself
  } else if (route.kind === 'list') {
    const nodes = returned.getFields().nodes;
    if (!nodes) throw new Error(`${route.path}: ${route.field} is not a connection`);
    const node = getNamedType(nodes.type);
    if (!isObjectType(node)) throw new Error(`${route.path}: nodes are not objects`);
    const extra = 'totalCount' in returned.getFields() ? ' totalCount' : '';
    selection = `nodes { ${selectionOf(node, 0, false, undefined, true)} } ${PAGE_INFO}${extra}`;
  } else if (route.kind === 'mutation') {
    selection = payloadSelection(returned);
  } else {
    selection = selectionOf(returned);
  }
  const kind = route.kind === 'mutation' ? 'mutation' : 'query';
  const body = selection ? ` { ${selection} }` : '';
  const text = `${kind} ${route.name}${variables ? `(${variables})` : ''} { ${route.field}${args ? `(${args})` : ''}${body} }`;
  const document = parse(text, { noLocation: true });
  const errors = validate(schema, document);
  if (errors.length) throw new Error(`${route.name}: ${errors.map((e) => e.message).join('; ')}`);
  return print(document);
}

/** The id the router's manifest gives a document: SHA-256 of its printed text. */
export function documentId(/** @type {string} */ body) {
  return createHash('sha256').update(body).digest('hex');
}

const HEADER = '# Written by rest/operations.mjs from rest/routes.mjs: edit the route table, not this file.\n';

/** @returns {Map<string, string>} file name -> content */
export function renderAll(schema = loadSchema()) {
  const files = new Map();
  for (const route of ROUTES) {
    if (files.has(`${route.name}.graphql`)) continue; // an alias path runs the same operation
    files.set(`${route.name}.graphql`, HEADER + operationFor(schema, route) + '\n');
  }
  return files;
}

function main() {
  const check = process.argv.includes('--check');
  const files = renderAll();
  const present = existsSync(OPERATIONS_DIR) ? readdirSync(OPERATIONS_DIR).filter((f) => f.endsWith('.graphql')) : [];
  const stale = present.filter((f) => !files.has(f));
  const changed = [...files].filter(([f, text]) => !existsSync(join(OPERATIONS_DIR, f)) || readFileSync(join(OPERATIONS_DIR, f), 'utf8') !== text);
  if (check) {
    if (!stale.length && !changed.length) return 0;
    console.error(`rest operations are stale (${[...stale, ...changed.map(([f]) => f)].join(', ')}); run \`npm --prefix rest run operations\``);
    return 1;
  }
  mkdirSync(OPERATIONS_DIR, { recursive: true });
  for (const f of stale) rmSync(join(OPERATIONS_DIR, f));
  for (const [f, text] of changed) writeFileSync(join(OPERATIONS_DIR, f), text);
  console.log(`rest operations: ${files.size} in ${OPERATIONS_DIR}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
