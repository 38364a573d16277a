// The router in front of the fixture subgraph: routing, headers, cookies, CORS,
// health, CSRF, and in-flight de-duplication (on by default).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startFixtureSubgraph } from './fixtures/subgraph.mjs';
import { gql, makeFixtureSchemaDir, startGateway, useFixtureGateway } from './helpers.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('router with default settings', () => {
  let subgraph;
  let schema;
  let gateway;

  before(async () => {
    subgraph = await startFixtureSubgraph();
    schema = makeFixtureSchemaDir();
    gateway = await startGateway({
      supergraph: schema.supergraph,
      env: {
        PRODUCTS_URL: subgraph.url,
        ROUTER_EXPOSE_QUERY_PLAN: '1',
        CORS_ORIGINS: 'https://shop.example, https://admin.example/',
        ROUTER_DEDUPE: '',
      },
    });
  });

  after(async () => {
    await gateway?.stop();
    await subgraph?.close();
    schema?.cleanup();
  });

  test('a query reaches the subgraph named by PRODUCTS_URL, planned by the Rust planner', async () => {
    const before = subgraph.requests.length;
    const { res, body } = await gql(gateway.graphqlUrl, '{ products(first: 2) { id name priceCents } }');
    assert.equal(res.status, 200);
    assert.deepEqual(body.data.products, [
      { id: '1', name: 'Product 1', priceCents: 1000 },
      { id: '2', name: 'Product 2', priceCents: 1001 },
    ]);
    assert.equal(subgraph.requests.length, before + 1);
    // useQueryPlan from @graphql-hive/router-runtime only has a plan when that runtime planned it.
    assert.equal(body.extensions?.queryPlan?.kind, 'QueryPlan');
    assert.equal(body.extensions.queryPlan.node.serviceName, 'products');
  });

  test('client headers arrive at the subgraph; client x-forwarded-for is not trusted', async () => {
    const { body } = await gql(
      gateway.graphqlUrl,
      '{ echo { authorization cookie requestId csrfToken cartToken acceptLanguage userAgent forwardedFor } }',
      {
        headers: {
          authorization: 'Bearer token-1',
          cookie: 'session=s1; theme=dark',
          'x-request-id': 'req-from-client-1',
          'x-csrf-token': 'csrf-1',
          'x-cart-token': 'cart-1',
          'accept-language': 'de-CH, en;q=0.5',
          'user-agent': 'router-test/1.0',
          'x-forwarded-for': '6.6.6.6',
        },
      },
    );
    assert.deepEqual(body.data.echo, {
      authorization: 'Bearer token-1',
      cookie: 'session=s1; theme=dark',
      requestId: 'req-from-client-1',
      csrfToken: 'csrf-1',
      cartToken: 'cart-1',
      acceptLanguage: 'de-CH, en;q=0.5',
      userAgent: 'router-test/1.0',
      forwardedFor: '127.0.0.1',
    });
  });

  test('without JWT_JWKS_URL/JWT_JWKS_FILE tokens are not checked and auth directives are left to the subgraphs', async () => {
    const { res, body } = await gql(gateway.graphqlUrl, '{ me products(first: 1) { costCents } }', {
      headers: { authorization: 'Bearer not-a-jwt' },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(body.data, { me: 'fixture-user', products: [{ costCents: 500 }] });
    assert.equal(gateway.output().match(/JWT verification is off/g)?.length, 1);
  });

  test('a client x-request-id is kept and returned', async () => {
    const { res } = await gql(gateway.graphqlUrl, '{ __typename products(first: 1) { id } }', {
      headers: { 'x-request-id': 'abc-123' },
    });
    assert.equal(res.headers.get('x-request-id'), 'abc-123');
  });

  test('without a client x-request-id one is generated, sent to the subgraph and returned', async () => {
    const { res, body } = await gql(gateway.graphqlUrl, '{ echo { requestId } }');
    const returned = res.headers.get('x-request-id');
    assert.match(returned, UUID);
    assert.equal(body.data.echo.requestId, returned);
  });

  test('two Set-Cookie headers from the subgraph reach the client intact', async () => {
    const { res } = await gql(gateway.graphqlUrl, '{ echo { requestId } }');
    assert.deepEqual(res.headers.getSetCookie(), [
      'session=abc123; Path=/; HttpOnly; SameSite=Lax',
      'cart=xyz789; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
    ]);
  });

  for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'https://shop.example', 'https://admin.example']) {
    test(`CORS preflight from ${origin} is allowed with credentials`, async () => {
      const res = await fetch(gateway.graphqlUrl, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization, x-csrf-token',
        },
      });
      await res.arrayBuffer();
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), origin);
      assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
      assert.match(res.headers.get('access-control-allow-methods'), /POST/);
      assert.match(res.headers.get('access-control-allow-headers'), /authorization/);
    });
  }

  test('CORS from an unknown origin does not echo that origin', async () => {
    const res = await fetch(gateway.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    await res.arrayBuffer();
    assert.notEqual(res.headers.get('access-control-allow-origin'), 'https://evil.example');
    assert.notEqual(res.headers.get('access-control-allow-origin'), '*');
  });

  test('an actual cross-origin response exposes x-request-id', async () => {
    const { res } = await gql(gateway.graphqlUrl, '{ products(first: 1) { id } }', {
      headers: { origin: 'http://localhost:3000' },
    });
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /x-request-id/);
  });

  test('/healthcheck and /readiness respond 200', async () => {
    for (const path of ['/healthcheck', '/readiness']) {
      const res = await fetch(gateway.url + path);
      await res.arrayBuffer();
      assert.equal(res.status, 200, path);
    }
  });

  test('GraphiQL is served on /graphql with the marketplace title', async () => {
    const res = await fetch(gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(html, /<title>Marketplace supergraph<\/title>/);
  });

  test('a GET (CORS-simple) operation needs a CSRF header', async () => {
    const q = encodeURIComponent('{ products(first: 1) { id } }');
    const bare = await fetch(`${gateway.graphqlUrl}?query=${q}`, { headers: { accept: 'application/json' } });
    await bare.arrayBuffer();
    assert.equal(bare.status, 403);
    const withHeader = await fetch(`${gateway.graphqlUrl}?query=${q}`, {
      headers: { accept: 'application/json', 'x-csrf-token': 't' },
    });
    assert.equal(withHeader.status, 200);
    assert.deepEqual((await withHeader.json()).data, { products: [{ id: '1' }] });
  });

  test('identical concurrent queries are de-duplicated by default (one subgraph hit)', async () => {
    const query = '{ slow(ms: 300) }';
    const before = subgraph.requests.filter((r) => r.body.query.includes('slow')).length;
    const headers = { authorization: 'Bearer same-user' };
    const results = await Promise.all([gql(gateway.graphqlUrl, query, { headers }), gql(gateway.graphqlUrl, query, { headers })]);
    for (const { body } of results) assert.deepEqual(body.data, { slow: 300 });
    const hits = subgraph.requests.filter((r) => r.body.query.includes('slow')).length - before;
    assert.equal(hits, 1);
  });

  test('concurrent identical queries from different users are not merged', async () => {
    const query = '{ slow(ms: 300) }';
    const before = subgraph.requests.filter((r) => r.body.query.includes('slow')).length;
    await Promise.all([
      gql(gateway.graphqlUrl, query, { headers: { authorization: 'Bearer user-a' } }),
      gql(gateway.graphqlUrl, query, { headers: { authorization: 'Bearer user-b' } }),
    ]);
    const slowHits = subgraph.requests.filter((r) => r.body.query.includes('slow')).slice(before);
    assert.deepEqual(slowHits.map((r) => r.headers.authorization).sort(), ['Bearer user-a', 'Bearer user-b']);
  });

  test('a multipart file upload passes through to the subgraph', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({
      query: 'mutation ($file: Upload!, $note: String) { upload(file: $file, note: $note) { filename size text } }',
      variables: { file: null, note: 'n1' },
    }));
    form.set('map', JSON.stringify({ 0: ['variables.file'] }));
    form.set('0', new Blob(['hello upload'], { type: 'text/plain' }), 'hello.txt');
    const res = await fetch(gateway.graphqlUrl, { method: 'POST', body: form, headers: { 'x-csrf-token': 'csrf-1' } });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(body.data, { upload: { filename: 'hello.txt', size: 12, text: 'n1:hello upload' } });
  });

  test('a multipart request without a CSRF header is refused', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: 'mutation ($file: Upload!) { upload(file: $file) { size } }', variables: { file: null } }));
    form.set('map', JSON.stringify({ 0: ['variables.file'] }));
    form.set('0', new Blob(['x']), 'x.txt');
    const res = await fetch(gateway.graphqlUrl, { method: 'POST', body: form });
    await res.arrayBuffer();
    assert.equal(res.status, 403);
  });

  test('subscriptions pass through to the subgraph over graphql-transport-ws with the client credentials', async () => {
    class BrowserLikeWebSocket extends WebSocket {
      constructor(url, protocols) {
        super(url, protocols, { headers: { cookie: 'session=ws-cookie', 'user-agent': 'ws-test/1.0' } });
      }
    }
    const client = createClient({
      url: gateway.graphqlUrl.replace('http://', 'ws://'),
      webSocketImpl: BrowserLikeWebSocket,
      connectionParams: { authorization: 'Bearer ws-user', 'x-cart-token': 'cart-ws' },
      lazy: true,
      retryAttempts: 0,
    });
    try {
      const ticks = [];
      for await (const result of client.iterate({ query: 'subscription { ticks(n: 3) }' })) {
        assert.equal(result.errors, undefined, JSON.stringify(result.errors));
        ticks.push(result.data.ticks);
      }
      assert.deepEqual(ticks, [1, 2, 3]);

      const echoes = [];
      for await (const result of client.iterate({ query: 'subscription { wsEcho { authorization cookie cartToken userAgent } }' })) {
        echoes.push(result.data?.wsEcho ?? result);
      }
      assert.deepEqual(echoes, [{ authorization: 'Bearer ws-user', cookie: 'session=ws-cookie', cartToken: 'cart-ws', userAgent: 'ws-test/1.0' }]);
      assert.ok(subgraph.wsConnections.length >= 1, 'the subgraph saw a WebSocket connection');
    } finally {
      await client.dispose();
    }
  });
});

describe('router with ROUTER_DEDUPE=0', () => {
  const setup = useFixtureGateway({ ROUTER_DEDUPE: '0' });

  test('two identical concurrent queries make two subgraph requests', async () => {
    const query = '{ slow(ms: 300) }';
    const results = await Promise.all([gql(setup.gateway.graphqlUrl, query), gql(setup.gateway.graphqlUrl, query)]);
    for (const { body } of results) assert.deepEqual(body.data, { slow: 300 });
    assert.equal(setup.subgraph.requests.filter((r) => r.body.query.includes('slow')).length, 2);
  });
});

describe('router without a subgraph URL override', () => {
  let schema;
  let gateway;

  before(async () => {
    schema = makeFixtureSchemaDir(); // composed URL points at a dead port
    gateway = await startGateway({ supergraph: schema.supergraph, env: { PRODUCTS_URL: '' } });
  });

  after(async () => {
    await gateway?.stop();
    schema?.cleanup();
  });

  test('uses the composed URL; the unreachable subgraph is a coded 503 without internals, and the variables stay out of the log', async () => {
    const { res, body } = await gql(gateway.graphqlUrl, 'query ($id: ID!) { product(id: $id) { id } }', {
      variables: { id: 'hunter2-secret' },
    });
    assert.equal(body.data?.product ?? null, null);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal(body.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
    assert.equal(body.errors?.[0]?.message, 'A service this request needs is unavailable. Retry shortly.');
    assert.doesNotMatch(JSON.stringify(body), /127\.0\.0\.1|ECONNREFUSED|hunter2/);
    // The error is logged (at error level) but its upstream request body is redacted.
    const deadline = Date.now() + 2_000;
    while (!gateway.output().includes('ECONNREFUSED') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.match(gateway.output(), /ECONNREFUSED/);
    assert.doesNotMatch(gateway.output(), /hunter2/);
  });
});
