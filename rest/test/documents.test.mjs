// @ts-check
// The committed artefacts follow the route table: the persisted operations (clients/rest),
// their ids in the router's manifest, and the OpenAPI document.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OPENAPI_PATH, buildDocument } from '../openapi.mjs';
import { OPERATIONS_DIR, ROOT, documentId, renderAll } from '../operations.mjs';

test('clients/rest holds exactly the operations the route table makes', () => {
  const files = renderAll();
  const present = readdirSync(OPERATIONS_DIR).filter((f) => f.endsWith('.graphql'));
  assert.deepEqual(present.sort(), [...files.keys()].sort(), 'run `npm --prefix rest run operations`');
  for (const [file, text] of files) assert.equal(readFileSync(join(OPERATIONS_DIR, file), 'utf8'), text, file);
});

test('the router manifest trusts every REST operation under the id the shim sends', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'schema', 'trusted-documents.json'), 'utf8'));
  const byName = new Map(manifest.operations.map((/** @type {any} */ op) => [op.name, op]));
  for (const file of renderAll().keys()) {
    const op = byName.get(file.replace(/\.graphql$/, ''));
    assert.ok(op, `${file} is not in the manifest: run \`npm --prefix router run trusted-documents\``);
    assert.equal(op.id, documentId(op.body));
  }
});

test('schema/rest-openapi.json is the document the route table generates', () => {
  assert.ok(existsSync(OPENAPI_PATH));
  assert.equal(readFileSync(OPENAPI_PATH, 'utf8'), JSON.stringify(buildDocument(), null, 2) + '\n', 'run `npm --prefix rest run openapi`');
});

test('the document is OpenAPI 3.1 with one unique operationId per operation, each list linked to its retrieve', () => {
  const doc = buildDocument();
  assert.equal(doc.openapi, '3.1.0');
  const ids = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(doc.paths['/api/products/'].get.responses[200].links.retrieve);
  assert.deepEqual(doc.paths['/api/products/{id}/'].get.parameters[0], { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1 } });
});
