// The router's public-result cache (public-cache.ts) against a fixture subgraph that marks
// `products` answers as cacheable, with a real Redis holding the cache version (REDIS_URL:
// `make test` runs these inside its stack).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Redis from 'ioredis';
import { join } from 'node:path';
import { startFixtureSubgraph } from './fixtures/subgraph.mjs';
import { makeFixtureSchemaDir, startGateway } from './helpers.mjs';
import { bearer, claims, makeSigningKey, signES256, writeJwks } from './jwt-helpers.mjs';

const REDIS_URL = process.env.REDIS_URL;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A fixture subgraph whose `products` answers are marked cacheable under `cache.tag.value`, and
 * a gateway with the public cache in front of it, for one describe block. `env(schema)` adds
 * gateway variables (and may write files into the schema folder first).
 */
function useCachedGateway(env = () => ({})) {
  const namespace = `fixture-${randomUUID()}`;
  const cache = { namespace, tag: { value: `${namespace}:1` }, redis: undefined, subgraph: undefined, schema: undefined, gateway: undefined };
  before(async () => {
    cache.redis = new Redis(REDIS_URL);
    await cache.redis.set(`cachever:${namespace}`, '1');
    cache.subgraph = await startFixtureSubgraph({ cacheTag: cache.tag });
    cache.schema = makeFixtureSchemaDir();
    cache.gateway = await startGateway({
      supergraph: cache.schema.supergraph,
      env: { PRODUCTS_URL: cache.subgraph.url, ROUTER_DEDUPE: '0', REDIS_URL, ROUTER_PUBLIC_CACHE: '1', ...env(cache.schema) },
    });
  });
  after(async () => {
    await cache.gateway?.stop();
    await cache.subgraph?.close();
    cache.schema?.cleanup();
    await cache.redis?.del(`cachever:${namespace}`);
    cache.redis?.disconnect();
  });
  return cache;
}

/** POST a query; the router's x-cache header and the body. */
async function postTo(gateway, query, headers = {}) {
  const res = await fetch(gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { cache: res.headers.get('x-cache'), body: await res.json() };
}

describe('public-result cache', () => {
  assert.ok(REDIS_URL, 'REDIS_URL must be set (make test provides it)');
  const cache = useCachedGateway();
  const { namespace } = cache;
  const cacheTag = cache.tag;

  const post = (query, headers) => postTo(cache.gateway, query, headers);
  const fetchesSince = (mark) => cache.subgraph.requests.length - mark;

  test('an anonymous public query is answered from memory the second time', async () => {
    const mark = cache.subgraph.requests.length;
    const first = await post('{ products(first: 2) { id name } }');
    const second = await post('{ products(first: 2) { id name } }');
    assert.deepEqual([first.cache, second.cache], ['MISS', 'HIT']);
    assert.deepEqual(second.body, first.body);
    assert.equal(fetchesSince(mark), 1);
  });

  test('a stored answer carries an ETag; If-None-Match with it is a 304 without the bytes', async () => {
    const send = (headers = {}) =>
      fetch(cache.gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query: '{ products(first: 8) { id name } }' }),
      });
    const stored = await send();
    const etag = stored.headers.get('etag');
    const text = await stored.text();
    assert.match(etag ?? '', /^W\/"[\w-]+"$/);
    assert.equal(stored.headers.get('x-cache'), 'MISS');
    const hit = await send();
    assert.deepEqual([hit.headers.get('x-cache'), hit.headers.get('etag'), await hit.text()], ['HIT', etag, text]);
    const mark = cache.subgraph.requests.length;
    const unchanged = await send({ 'if-none-match': `W/"other", ${etag}` });
    assert.equal(unchanged.status, 304);
    assert.equal(await unchanged.text(), '');
    assert.equal(unchanged.headers.get('etag'), etag);
    assert.equal(fetchesSince(mark), 0);
    const stale = await send({ 'if-none-match': 'W/"something-else"' });
    assert.deepEqual([stale.status, await stale.text()], [200, text]);
    // Credentials the cache does not serve always execute: an ETag earns them nothing.
    const signed = await send({ 'if-none-match': etag, authorization: 'Bearer not-verified-here' });
    assert.equal(signed.status, 200);
    assert.equal(fetchesSince(mark), 1);
  });

  test('a version bump in Redis retires the entry within the poll interval', async () => {
    await post('{ products(first: 3) { id } }');
    assert.equal((await post('{ products(first: 3) { id } }')).cache, 'HIT');
    cacheTag.value = `${namespace}:2`;
    await cache.redis.set(`cachever:${namespace}`, '2');
    await sleep(600);
    const mark = cache.subgraph.requests.length;
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
      const mark = cache.subgraph.requests.length;
      const first = await post(query, headers);
      const second = await post(query, headers);
      assert.notEqual(second.cache, 'HIT', query);
      assert.equal(fetchesSince(mark), 2, `${query}: ${JSON.stringify(first.body)}`);
    }
  });
});

describe('public-result cache for signed-in shoppers (JWT verification on)', () => {
  assert.ok(REDIS_URL, 'REDIS_URL must be set (make test provides it)');
  const key = makeSigningKey('key-1');
  const token = (overrides) => signES256(key, claims(overrides));
  const cache = useCachedGateway((schema) => {
    const jwksPath = join(schema.dir, 'jwks.json');
    writeJwks(jwksPath, [key]);
    return { JWT_JWKS_FILE: jwksPath };
  });
  const post = (query, headers) => postTo(cache.gateway, query, headers);

  before(async () => {
    // The revocation list is whole (accounts rebuilt it): without this epoch no marker proves anything.
    await cache.redis.set('revoked:epoch', String(Math.floor(Date.now() / 1000)));
  });

  test('a shopper is answered from memory once the router has verified their token', async () => {
    const shopper = bearer(token({ roles: ['buyer'] }));
    const mark = cache.subgraph.requests.length;
    const runs = [];
    for (let i = 0; i < 3; i += 1) runs.push((await post('{ products(first: 6) { id } }', shopper)).cache);
    // 1st: the token is new to the router (verified during execution); 2nd stores; 3rd hits.
    assert.deepEqual(runs, [null, 'MISS', 'HIT']);
    assert.equal(cache.subgraph.requests.length - mark, 2);
    // Another shopper of the same class shares the entry once their token is known...
    const other = bearer(token({ roles: ['buyer'] }));
    assert.equal((await post('{ products(first: 6) { id } }', other)).cache, null);
    assert.equal((await post('{ products(first: 6) { id } }', other)).cache, 'HIT');
    // ...a different class (other scopes) and anonymous callers never do.
    const scoped = bearer(token({ roles: ['buyer'], scope: 'profile:read' }));
    await post('{ products(first: 6) { id } }', scoped);
    assert.equal((await post('{ products(first: 6) { id } }', scoped)).cache, 'MISS');
    assert.equal((await post('{ products(first: 6) { id } }')).cache, 'MISS');
  });

  test('sellers and admins always execute', async () => {
    for (const roles of [['seller'], ['buyer', 'admin']]) {
      const headers = bearer(token({ roles }));
      const seen = [];
      for (let i = 0; i < 3; i += 1) seen.push((await post('{ products(first: 7) { id } }', headers)).cache);
      assert.ok(!seen.includes('HIT'), `${roles}: ${seen}`);
    }
  });

  test('a revoked token is never answered from memory', async () => {
    const subject = randomUUID();
    const headers = bearer(token({ roles: ['buyer'], sub: subject }));
    for (let i = 0; i < 3; i += 1) await post('{ products(first: 8) { id } }', headers);
    assert.equal((await post('{ products(first: 8) { id } }', headers)).cache, 'HIT');
    await cache.redis.set(`revoked:user:${subject}`, String(Math.floor(Date.now() / 1000)), 'EX', 60);
    await sleep(600); // a clean answer is reused for at most 0.5 s
    const mark = cache.subgraph.requests.length;
    assert.notEqual((await post('{ products(first: 8) { id } }', headers)).cache, 'HIT');
    assert.equal(cache.subgraph.requests.length - mark, 1); // it went to the subgraph, which refuses it
    await cache.redis.del(`revoked:user:${subject}`);
  });

  test('with the revocation list lost (no epoch) a signed-in caller is never answered from memory', async () => {
    const headers = bearer(token({ roles: ['buyer'] }));
    for (let i = 0; i < 3; i += 1) await post('{ products(first: 9) { id } }', headers);
    assert.equal((await post('{ products(first: 9) { id } }', headers)).cache, 'HIT');
    const epoch = await cache.redis.get('revoked:epoch');
    await cache.redis.del('revoked:epoch');
    try {
      await sleep(600);
      const mark = cache.subgraph.requests.length;
      assert.notEqual((await post('{ products(first: 9) { id } }', headers)).cache, 'HIT');
      assert.equal(cache.subgraph.requests.length - mark, 1);
    } finally {
      await cache.redis.set('revoked:epoch', epoch);
    }
  });
});

describe('public-result cache TTL', () => {
  const cache = useCachedGateway(() => ({ ROUTER_PUBLIC_CACHE_TTL_MS: '400' }));

  test('an answer is dropped after the TTL even when no version bump came', async () => {
    await postTo(cache.gateway, '{ products(first: 4) { id } }');
    assert.equal((await postTo(cache.gateway, '{ products(first: 4) { id } }')).cache, 'HIT');
    await sleep(500);
    const mark = cache.subgraph.requests.length;
    assert.equal((await postTo(cache.gateway, '{ products(first: 4) { id } }')).cache, 'MISS');
    assert.equal(cache.subgraph.requests.length - mark, 1);
  });
});
