// The router's public-result cache (public-cache.ts) against a fixture subgraph that marks
// `products` answers as cacheable, with a real Redis holding the cache version (REDIS_URL:
// `make test` runs these inside its stack).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Redis from 'ioredis';
import { startFixtureSubgraph } from './fixtures/subgraph.mjs';
import { makeFixtureSchemaDir, startGateway } from './helpers.mjs';

const REDIS_URL = process.env.REDIS_URL;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('public-result cache', () => {
  assert.ok(REDIS_URL, 'REDIS_URL must be set (make test provides it)');
  const namespace = `fixture-${randomUUID()}`;
  const cacheTag = { value: `${namespace}:1` };
  let redis;
  let subgraph;
  let schema;
  let gateway;

  const post = async (query, headers = {}) => {
    const res = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    return { cache: res.headers.get('x-cache'), body: await res.json() };
  };
  const fetchesSince = (mark) => subgraph.requests.length - mark;

  before(async () => {
    redis = new Redis(REDIS_URL);
    await redis.set(`cachever:${namespace}`, '1');
    subgraph = await startFixtureSubgraph({ cacheTag });
    schema = makeFixtureSchemaDir();
    gateway = await startGateway({
      supergraph: schema.supergraph,
      env: { PRODUCTS_URL: subgraph.url, ROUTER_DEDUPE: '0', REDIS_URL, ROUTER_PUBLIC_CACHE: '1' },
    });
  });

  after(async () => {
    await gateway?.stop();
    await subgraph?.close();
    schema?.cleanup();
    await redis?.del(`cachever:${namespace}`);
    redis?.disconnect();
  });

  test('an anonymous public query is answered from memory the second time', async () => {
    const mark = subgraph.requests.length;
    const first = await post('{ products(first: 2) { id name } }');
    const second = await post('{ products(first: 2) { id name } }');
    assert.deepEqual([first.cache, second.cache], ['MISS', 'HIT']);
    assert.deepEqual(second.body, first.body);
    assert.equal(fetchesSince(mark), 1);
  });

  test('a version bump in Redis retires the entry within the poll interval', async () => {
    await post('{ products(first: 3) { id } }');
    assert.equal((await post('{ products(first: 3) { id } }')).cache, 'HIT');
    cacheTag.value = `${namespace}:2`;
    await redis.set(`cachever:${namespace}`, '2');
    await sleep(600);
    const mark = subgraph.requests.length;
    assert.equal((await post('{ products(first: 3) { id } }')).cache, 'MISS');
    assert.equal(fetchesSince(mark), 1);
    assert.equal((await post('{ products(first: 3) { id } }')).cache, 'HIT');
  });

  test('credentials, unmarked answers, errors and mutations always go to the subgraph', async () => {
    const cases = [
      ['{ products(first: 4) { id } }', { authorization: 'Bearer not-verified-here' }],
      ['{ echo { authorization } }', {}],
      ['{ products(first: 5) { id } me }', {}],
      ['mutation { login(email: "a@example.com") }', {}],
    ];
    for (const [query, headers] of cases) {
      const mark = subgraph.requests.length;
      const first = await post(query, headers);
      const second = await post(query, headers);
      assert.notEqual(second.cache, 'HIT', query);
      assert.equal(fetchesSince(mark), 2, `${query}: ${JSON.stringify(first.body)}`);
    }
  });
});
