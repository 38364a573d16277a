#!/usr/bin/env node
// Register the operations our first-party clients send as trusted documents.
//
//   node trusted-documents.mjs           write schema/trusted-documents.json
//   node trusted-documents.mjs --check   write nothing; exit 1 if the committed manifest is stale
//
// Inputs: clients/<client>/<Operation>.graphql, one named operation per file, validated against
// the public schema composed from schema/ (an operation that no longer validates fails the
// build). Output: Apollo's persisted query manifest, id = SHA-256 of the printed document, which
// the router resolves `documentId` / `extensions.persistedQuery` against (trusted-documents.ts).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { buildSchema, Kind, parse, print, validate } from 'graphql';
import { DEFAULT_SCHEMA_DIR, loadSubgraphs } from './compose.mjs';

export const CLIENTS_DIR = resolve(DEFAULT_SCHEMA_DIR, '..', 'clients');
export const MANIFEST_PATH = join(DEFAULT_SCHEMA_DIR, 'trusted-documents.json');

/** The schema clients see (the supergraph without federation internals). */
export function publicSchema(schemaDir = DEFAULT_SCHEMA_DIR) {
  const result = composeServices(loadSubgraphs(schemaDir));
  if (compositionHasErrors(result)) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return buildSchema(result.publicSdl);
}

/** Every client operation file: [{ client, file, document }]. */
export function clientOperations(clientsDir = CLIENTS_DIR) {
  const found = [];
  for (const client of readdirSync(clientsDir, { withFileTypes: true })) {
    if (!client.isDirectory()) continue;
    for (const file of readdirSync(join(clientsDir, client.name)).filter((f) => f.endsWith('.graphql')).sort()) {
      const path = join(clientsDir, client.name, file);
      found.push({ client: client.name, file: path, document: parse(readFileSync(path, 'utf8'), { noLocation: true }) });
    }
  }
  return found;
}

export function buildManifest(schema, operations) {
  const problems = [];
  const entries = [];
  const names = new Set();
  for (const { file, document } of operations) {
    const defs = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (defs.length !== 1 || !defs[0].name) {
      problems.push(`${file}: needs exactly one named operation`);
      continue;
    }
    const name = defs[0].name.value;
    if (basename(file, '.graphql') !== name) problems.push(`${file}: the operation is ${name}; name the file ${name}.graphql`);
    if (names.has(name)) problems.push(`${file}: another client file already defines ${name}`);
    names.add(name);
    for (const error of validate(schema, document)) problems.push(`${file}: ${error.message}`);
    const body = print(document);
    entries.push({ id: createHash('sha256').update(body).digest('hex'), name, type: defs[0].operation, body });
  }
  if (problems.length) throw new Error(`client operations do not validate:\n  - ${problems.join('\n  - ')}`);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  return JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: entries }, null, 2) + '\n';
}

function main() {
  const check = process.argv.includes('--check');
  let manifest;
  try {
    manifest = buildManifest(publicSchema(), clientOperations());
  } catch (e) {
    console.error(`trusted-documents: ${e.message}`);
    return 1;
  }
  const committed = existsSync(MANIFEST_PATH) ? readFileSync(MANIFEST_PATH, 'utf8') : undefined;
  if (check) {
    if (committed === manifest) return 0;
    console.error('trusted-documents: schema/trusted-documents.json is stale; run `npm --prefix router run trusted-documents`');
    return 1;
  }
  if (committed !== manifest) writeFileSync(MANIFEST_PATH, manifest);
  console.log(`trusted-documents: ${JSON.parse(manifest).operations.length} operations in ${MANIFEST_PATH}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
