// The edge in a real gateway process in front of the fixture subgraph: body size, structural
// limits, cost, rate limits, trusted documents and the introspection switch (router/edge.ts).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startFixtureSubgraph } from './fixtures/subgraph.mjs';
import { gql, makeFixtureSchemaDir, startGateway, useFixtureGateway } from './helpers.mjs';
import { sha256 } from '../trusted-documents.ts';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) throw new Error('REDIS_URL is not set: run the router tests through `make test`');

const nested = (levels) => `{ products(first: 1) { ${'related { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;
const codeOf = (body) => body?.errors?.[0]?.extensions?.code;
/** A client address no earlier run has used: its own /64, so its own bucket. */
const freshClient = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`;

/** POST a body with chunked transfer encoding (no Content-Length). */
function postChunked(url, chunks) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', (e) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? resolve({ status: 'reset' }) : reject(e)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('edge limits (defaults)', () => {
  const setup = useFixtureGateway({ ROUTER_COST: '1' });

  test('a document nested 48 levels is refused with 400 QUERY_TOO_COMPLEX before the planner (not a 500)', async () => {
    const before = setup.subgraph.requests.length;
    for (const levels of [13, 48, 200]) {
      const { res, body } = await gql(setup.gateway.graphqlUrl, nested(levels));
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual([codeOf(body), body.errors[0].extensions.limit], ['QUERY_TOO_COMPLEX', 'depth']);
    }
    assert.equal(setup.subgraph.requests.length, before, 'nothing reached the subgraph');
    // 12 levels pass the depth limit (this one is then too costly: every level is a list).
    const { body } = await gql(setup.gateway.graphqlUrl, nested(12));
    assert.equal(codeOf(body), 'QUERY_TOO_COSTLY', JSON.stringify(body));
  });

  test('aliases, directives and root fields over their limits are refused in one request each', async () => {
    const cases = [
      [`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`, 'aliases'],
      [`{ products(first: 1) { ${'id @include(if: true) '.repeat(51)} } }`, 'directives'],
      [`{ ${'products(first: 1) { id } '.repeat(21)} }`, 'rootFields'],
      [`{ ${'__typename '.repeat(4001)} }`, 'tokens'],
    ];
    for (const [query, limit] of cases) {
      const started = performance.now();
      const { res, body } = await gql(setup.gateway.graphqlUrl, query);
      assert.equal(res.status, 400, `${limit}: ${JSON.stringify(body)}`);
      assert.deepEqual([codeOf(body), body.errors[0].extensions.limit], ['QUERY_TOO_COMPLEX', limit]);
      assert.ok(performance.now() - started < 1000);
    }
  });

  test('120,000 aliases never execute: the body alone is over the limit (413)', async () => {
    const flood = `{ ${Array.from({ length: 120_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const { res, body } = await gql(setup.gateway.graphqlUrl, flood);
    assert.equal(res.status, 413);
    assert.equal(codeOf(body), 'REQUEST_TOO_LARGE');
  });

  test('a 2 MB body is refused with 413, with or without a Content-Length', async () => {
    const big = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    const declared = await fetch(setup.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    assert.equal(declared.status, 413);
    assert.equal(codeOf(await declared.json()), 'REQUEST_TOO_LARGE');
    const chunks = Array.from({ length: 32 }, (_, i) => big.slice(i * 65536, (i + 1) * 65536)).filter(Boolean);
    const chunked = await postChunked(setup.gateway.graphqlUrl, chunks);
    assert.equal(chunked.status, 413);
    assert.equal(codeOf(JSON.parse(chunked.text)), 'REQUEST_TOO_LARGE');
    // A small chunked body still works.
    const small = await postChunked(setup.gateway.graphqlUrl, ['{"query":', '"{ __typename }"}']);
    assert.equal(small.status, 200, small.text);
  });

  test('every response reports its cost; an operation over the maximum is refused with QUERY_TOO_COSTLY', async () => {
    const { body } = await gql(setup.gateway.graphqlUrl, '{ products(first: 3) { id name } }');
    // The fixture has no @listSize: a list assumes 10 items; 3 came back.
    assert.deepEqual(body.extensions.cost, { requestedQueryCost: 10, actualQueryCost: 3 });
    const before = setup.subgraph.requests.length;
    const costly = await gql(setup.gateway.graphqlUrl, '{ products(first: 1) { related { related { related { id } } } } }');
    assert.equal(costly.res.status, 400);
    assert.equal(codeOf(costly.body), 'QUERY_TOO_COSTLY');
    assert.equal(costly.body.errors[0].extensions.cost, 10 * (1 + 10 * (1 + 10 * (1 + 10))));
    assert.equal(costly.body.extensions.cost.requestedQueryCost, 11110);
    assert.equal(setup.subgraph.requests.length, before);
  });

  test('operations over graphql-ws get the same limits before the planner', async () => {
    const client = createClient({ url: setup.gateway.graphqlUrl.replace('http://', 'ws://'), webSocketImpl: WebSocket, lazy: true, retryAttempts: 0 });
    try {
      const results = [];
      try {
        for await (const result of client.iterate({ query: nested(48) })) results.push(result);
      } catch (errors) {
        results.push({ errors });
      }
      assert.equal(codeOf(results[0]), 'QUERY_TOO_COMPLEX', JSON.stringify(results));
    } finally {
      await client.dispose();
    }
  });
});

describe('rate limits (Redis leaky bucket)', () => {
  let subgraph;
  let schema;
  let gateways = [];

  before(async () => {
    subgraph = await startFixtureSubgraph();
    schema = makeFixtureSchemaDir();
    // A tiny anonymous bucket, with a prefix of its own so runs do not share buckets.
    const env = {
      PRODUCTS_URL: subgraph.url,
      ROUTER_COST: '1',
      ROUTER_RATE_LIMIT: '1',
      REDIS_URL,
      ROUTER_PUBLIC_CACHE: '0',
      ROUTER_MAX_COST: '25',
      ROUTER_RATE_LIMIT_ANONYMOUS: '30/1',
      ROUTER_RATE_LIMIT_SIGNED_IN: '30/1',
      ROUTER_TRUSTED_PROXIES: '127.0.0.1',
    };
    gateways = await Promise.all([startGateway({ supergraph: schema.supergraph, env }), startGateway({ supergraph: schema.supergraph, env })]);
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await subgraph?.close();
    schema?.cleanup();
  });

  test('a caller spends its bucket across router processes, then gets 429 RATE_LIMITED with Retry-After', async () => {
    const client = { 'x-forwarded-for': freshClient() };
    const query = '{ products(first: 10) { id } }'; // estimated 10, actual 10
    const first = await gql(gateways[0].graphqlUrl, query, { headers: client });
    assert.deepEqual(first.body.extensions.cost, {
      requestedQueryCost: 10,
      actualQueryCost: 10,
      throttleStatus: { maximumAvailable: 30, currentlyAvailable: 20, restoreRate: 1 },
    });
    await gql(gateways[1].graphqlUrl, query, { headers: client });
    await gql(gateways[0].graphqlUrl, query, { headers: client });
    const refused = await gql(gateways[1].graphqlUrl, query, { headers: client });
    assert.equal(refused.res.status, 429, JSON.stringify(refused.body));
    assert.equal(codeOf(refused.body), 'RATE_LIMITED');
    const retryAfter = Number(refused.res.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 10, `retry-after ${retryAfter}`);
    assert.equal(refused.body.errors[0].extensions.retryAfterSeconds, retryAfter);
    assert.ok(refused.body.extensions.cost.throttleStatus.currentlyAvailable < 10);
    // Another client address has its own bucket.
    const other = await gql(gateways[0].graphqlUrl, query, { headers: { 'x-forwarded-for': freshClient() } });
    assert.equal(other.res.status, 200);
  });

  test('an estimate above the actual cost is refunded', async () => {
    const client = { 'x-forwarded-for': freshClient() };
    // Estimated 10 (a list assumes 10), actual 2: 8 come back to the bucket.
    const { body } = await gql(gateways[0].graphqlUrl, '{ products(first: 2) { id } }', { headers: client });
    assert.equal(body.extensions.cost.throttleStatus.currentlyAvailable, 28);
    // The 8 travel with the caller's next operation through this router: 30 - 10 - 10 + 8 + 8.
    const next = await gql(gateways[0].graphqlUrl, '{ products(first: 2) { id } }', { headers: client });
    assert.ok(next.body.extensions.cost.throttleStatus.currentlyAvailable >= 25, JSON.stringify(next.body.extensions));
  });
});

describe('rate limits when Redis is down', () => {
  let subgraph;
  let schema;
  const started = [];
  before(async () => {
    subgraph = await startFixtureSubgraph();
    schema = makeFixtureSchemaDir();
  });
  after(async () => {
    await Promise.all(started.map((g) => g.stop()));
    await subgraph?.close();
    schema?.cleanup();
  });
  const start = async (mode) => {
    const gateway = await startGateway({
      supergraph: schema.supergraph,
      env: {
        PRODUCTS_URL: subgraph.url,
        ROUTER_COST: '1',
        ROUTER_RATE_LIMIT: '1',
        REDIS_URL: 'redis://127.0.0.1:9/0',
        ROUTER_PUBLIC_CACHE: '0',
        ROUTER_MAX_COST: '25',
        ROUTER_RATE_LIMIT_ANONYMOUS: '30/1',
        ROUTER_RATE_LIMIT_ON_REDIS_ERROR: mode,
      },
    });
    started.push(gateway);
    return gateway;
  };

  test('local (default): the process keeps limiting on its own and says it is degraded', async () => {
    const gateway = await start('local');
    const statuses = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await gql(gateway.graphqlUrl, '{ products(first: 10) { id } }');
      statuses.push(last.res.status);
    }
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    assert.equal(statuses[4], 429);
    assert.equal(last.body.extensions.cost.throttleStatus.degraded, 'local');
  });

  test('closed: every operation is refused with 503 RATE_LIMITER_UNAVAILABLE', async () => {
    const gateway = await start('closed');
    const { res, body } = await gql(gateway.graphqlUrl, '{ products(first: 1) { id } }');
    assert.equal(res.status, 503);
    assert.equal(codeOf(body), 'RATE_LIMITER_UNAVAILABLE');
  });
});

describe('production switches: trusted documents only, no introspection', () => {
  const trusted = 'query Two { products(first: 2) { id } }';
  const setup = useFixtureGateway(({ schema }) => {
    const manifest = join(schema.dir, 'trusted-documents.json');
    const operations = [{ id: sha256(trusted), name: 'Two', type: 'query', body: trusted }];
    writeFileSync(manifest, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }));
    return { ROUTER_TRUSTED_DOCUMENTS: manifest, ROUTER_TRUSTED_DOCUMENTS_ONLY: '1', ROUTER_INTROSPECTION: '0' };
  });

  const post = (payload) =>
    fetch(setup.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }).then(async (res) => ({
      res,
      body: await res.json(),
    }));

  test('a trusted document runs by its id; any other document is refused', async () => {
    const byId = await post({ documentId: `sha256:${sha256(trusted)}` });
    assert.equal(byId.res.status, 200, JSON.stringify(byId.body));
    assert.deepEqual(byId.body.data, { products: [{ id: '1' }, { id: '2' }] });
    const apollo = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(trusted) } } });
    assert.deepEqual(apollo.body.data, byId.body.data);
    const freeform = await post({ query: '{ products { id name } }' });
    assert.equal(freeform.res.status, 400);
    assert.equal(codeOf(freeform.body), 'PERSISTED_QUERY_REQUIRED');
    const unknown = await post({ documentId: `sha256:${'0'.repeat(64)}` });
    assert.equal(codeOf(unknown.body), 'PERSISTED_QUERY_NOT_FOUND');
  });

  test('introspection off: no schema, no field suggestions, no GraphiQL', async () => {
    const introspectionDoc = '{ __schema { queryType { name } } }';
    const manifestless = await post({ query: introspectionDoc });
    assert.equal(codeOf(manifestless.body), 'PERSISTED_QUERY_REQUIRED');
    const page = await fetch(setup.gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    assert.notEqual(page.status, 200);
    await page.arrayBuffer();
  });
});

describe('introspection switch alone', () => {
  const setup = useFixtureGateway({ ROUTER_INTROSPECTION: '0' });

  test('introspection is refused and typos get no "did you mean"', async () => {
    const intro = await gql(setup.gateway.graphqlUrl, '{ __schema { queryType { name } } }');
    assert.ok(intro.body.errors?.length, JSON.stringify(intro.body));
    assert.equal(intro.body.data ?? null, null);
    const typo = await gql(setup.gateway.graphqlUrl, '{ product(id: 1) { nam } }');
    assert.ok(typo.body.errors?.length);
    assert.doesNotMatch(JSON.stringify(typo.body), /Did you mean/i);
    const ok = await gql(setup.gateway.graphqlUrl, '{ products(first: 1) { id } }');
    assert.equal(ok.res.status, 200);
  });
});
