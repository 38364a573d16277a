// The documents the router ships: the trusted-documents manifest is up to date with
// clients/<client>/*.graphql, and GraphiQL's example operations validate against the schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { parse, validate } from 'graphql';
import { buildManifest, clientOperations, MANIFEST_PATH, publicSchema } from '../trusted-documents.mjs';
import { ROUTER_DIR } from './helpers.mjs';

const schema = publicSchema();

test('schema/trusted-documents.json is what the client operations build (npm run trusted-documents)', () => {
  assert.equal(readFileSync(MANIFEST_PATH, 'utf8'), buildManifest(schema, clientOperations()));
});

test('a client operation that does not validate fails the build, naming the file', () => {
  const broken = [{ client: 'storefront', file: 'Broken.graphql', document: parse('query Broken { products { nope } }') }];
  assert.throws(() => buildManifest(schema, broken), /Broken\.graphql: Cannot query field "nope"/);
});

test("GraphiQL's example operations validate against the supergraph", async () => {
  const document = parse(readFileSync(join(ROUTER_DIR, 'graphiql-example.graphql'), 'utf8'));
  assert.deepEqual(validate(schema, document).map((e) => e.message), []);
  const { EXAMPLE_OPERATIONS, renderGraphiQL } = await import('../graphiql.ts');
  assert.deepEqual(EXAMPLE_OPERATIONS.map((op) => op.name), ['Storefront', 'Search', 'SignIn', 'Me', 'AddToCart', 'Cart', 'Checkout', 'MyOrders', 'SellerDashboard']);
  const page = renderGraphiQL({ title: 'Marketplace supergraph' });
  // Run the page's boot call against a stand-in Laboratory: what props does it get?
  const start = page.lastIndexOf('((render) =>');
  const boot = page.slice(start, page.indexOf('</script>', start));
  const bootWith = (stored) => {
    let props;
    runInNewContext(boot, {
      window: { document: { querySelector: () => 'root' } },
      localStorage: { getItem: (key) => stored[key] ?? null },
      HiveLaboratory: { renderLaboratory: (_root, given) => (props = JSON.parse(JSON.stringify(given))) },
    });
    return props;
  };
  const fresh = bootWith({});
  assert.deepEqual(fresh.defaultTabs.map((t) => t.data.name), ['Storefront', 'Search', 'SignIn', 'Me', 'AddToCart', 'Cart', 'Checkout', 'MyOrders', 'SellerDashboard']);
  assert.match(fresh.defaultOperations[0].query, /query Storefront/);
  assert.equal(fresh.defaultOperations[3].headers, JSON.stringify({ authorization: 'Bearer <the accessToken SignIn returned>' }, null, 2));
  assert.equal(fresh.defaultCollections[0].name, 'Getting started');
  assert.equal(fresh.enableDocs, true); // Laboratory's own props are kept
  // A returning user keeps their own tabs and collections.
  const own = JSON.stringify([{ id: 'mine' }]);
  const returning = bootWith({ 'hive-laboratory:operations': own, 'hive-laboratory:collections': own });
  assert.equal(returning.defaultOperations, undefined);
  assert.equal(returning.defaultCollections, undefined);
});
