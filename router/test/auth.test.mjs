// JWT verification and the federation auth directives (@authenticated, @requiresScopes,
// @policy) enforced by the router, with a JWKS file or URL. Tokens are ES256, signed here.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startFixtureSubgraph } from './fixtures/subgraph.mjs';
import { gql, makeFixtureSchemaDir, startGateway } from './helpers.mjs';
import { bearer, claims, hs256WithPublicKey, makeSigningKey, signES256, unsignedToken, writeJwks } from './jwt-helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Subgraph requests made since `mark` (an index into subgraph.requests). */
const since = (subgraph, mark) => subgraph.requests.slice(mark).map((r) => r.body.query);

describe('router with JWT verification (JWT_JWKS_FILE)', () => {
  let subgraph;
  let schema;
  let gateway;
  let jwksPath;
  const key = makeSigningKey('key-1');
  const rotated = makeSigningKey('key-2'); // not in the JWKS until the rotation test
  const stranger = makeSigningKey('key-1'); // someone else's key claiming our kid
  const token = (overrides, header) => signES256(key, claims(overrides), header);

  before(async () => {
    subgraph = await startFixtureSubgraph();
    schema = makeFixtureSchemaDir();
    jwksPath = join(schema.dir, 'jwks.json');
    writeJwks(jwksPath, [key]);
    gateway = await startGateway({
      supergraph: schema.supergraph,
      env: { PRODUCTS_URL: subgraph.url, JWT_JWKS_FILE: jwksPath, JWT_JWKS_MIN_REFRESH_S: '1', ROUTER_DEDUPE: '0' },
    });
  });

  after(async () => {
    await gateway?.stop();
    await subgraph?.close();
    schema?.cleanup();
  });

  test('a valid token passes; the subgraph still gets the original Authorization header and no decoded claims', async () => {
    const t = token();
    const mark = subgraph.requests.length;
    const { res, body } = await gql(gateway.graphqlUrl, '{ me echo { authorization } }', { headers: bearer(t) });
    assert.equal(res.status, 200);
    assert.deepEqual(body, { data: { me: 'fixture-user', echo: { authorization: `Bearer ${t}` } } });
    const [forwarded] = subgraph.requests.slice(mark);
    assert.equal(forwarded.headers.authorization, `Bearer ${t}`);
    assert.equal(forwarded.body.extensions?.jwt, undefined);
  });

  test('no token: public fields run, an @authenticated field is UNAUTHENTICATED and never sent to the subgraph', async () => {
    const mark = subgraph.requests.length;
    const { res, body } = await gql(gateway.graphqlUrl, '{ products(first: 1) { id } me }');
    assert.equal(res.status, 200);
    assert.deepEqual(body.data, { products: [{ id: '1' }], me: null });
    assert.equal(body.errors.length, 1);
    assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
    assert.equal(body.errors[0].message, 'Sign in to do this.');
    assert.deepEqual(body.errors[0].path, ['me']);
    const sent = since(subgraph, mark);
    assert.equal(sent.length, 1);
    assert.doesNotMatch(sent[0], /\bme\b/);
  });

  test('no token on a non-null @authenticated mutation: data null, UNAUTHENTICATED, no subgraph call', async () => {
    const mark = subgraph.requests.length;
    const { res, body } = await gql(gateway.graphqlUrl, 'mutation { logout }');
    assert.equal(res.status, 200);
    assert.equal(body.data, null);
    assert.deepEqual(body.errors.map((e) => e.extensions.code), ['UNAUTHENTICATED']);
    assert.deepEqual(since(subgraph, mark), []);
  });

  test('a mutation mixing a token-exempt field with a denied one does not run at all', async () => {
    const mark = subgraph.requests.length;
    const { body } = await gql(gateway.graphqlUrl, 'mutation { login(email: "a@example.com") logout }');
    assert.equal(body.data, null);
    assert.deepEqual(body.errors.map((e) => e.extensions.code), ['UNAUTHENTICATED']);
    assert.deepEqual(since(subgraph, mark), []);
  });

  test('a valid token without the scope: FORBIDDEN on the @requiresScopes field only, not sent to the subgraph', async () => {
    const mark = subgraph.requests.length;
    const { res, body } = await gql(gateway.graphqlUrl, '{ products(first: 2) { id costCents } }', {
      headers: bearer(token({ scope: 'catalog:read orders:read' })),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(body.data, { products: [{ id: '1', costCents: null }, { id: '2', costCents: null }] });
    // the same error the subgraphs' permission classes raise
    assert.deepEqual(
      body.errors.map(({ message, extensions }) => ({ message, extensions })),
      [{ message: 'This needs the catalog:write scope.', extensions: { code: 'FORBIDDEN', requiredScopes: ['catalog:write'] } }],
    );
    assert.deepEqual(body.errors[0].path, ['products', 'costCents']);
    const sent = since(subgraph, mark);
    assert.equal(sent.length, 1);
    assert.doesNotMatch(sent[0], /costCents/);
  });

  test('a non-null root field left with only denied sub-fields is dropped: data null (null propagation)', async () => {
    const mark = subgraph.requests.length;
    const { body } = await gql(gateway.graphqlUrl, '{ me products(first: 1) { costCents } }', { headers: bearer(token()) });
    assert.equal(body.data, null);
    assert.deepEqual(body.errors.map((e) => e.extensions.code), ['FORBIDDEN']);
    assert.deepEqual(since(subgraph, mark), []);
  });

  test('no token on a @requiresScopes field: UNAUTHENTICATED', async () => {
    const { body } = await gql(gateway.graphqlUrl, '{ product(id: "3") { id costCents } }');
    assert.deepEqual(body.data, { product: { id: '3', costCents: null } });
    assert.deepEqual(body.errors.map((e) => e.extensions.code), ['UNAUTHENTICATED']);
  });

  test('with the scope (among others in the space-separated claim): the field resolves', async () => {
    const mark = subgraph.requests.length;
    const { body } = await gql(gateway.graphqlUrl, '{ products(first: 2) { id costCents } }', {
      headers: bearer(token({ scope: 'catalog:read catalog:write' })),
    });
    assert.deepEqual(body, { data: { products: [{ id: '1', costCents: 500 }, { id: '2', costCents: 501 }] } });
    assert.match(since(subgraph, mark)[0], /costCents/);
  });

  test('the admin role passes every scope check', async () => {
    const { body } = await gql(gateway.graphqlUrl, '{ products(first: 1) { costCents } }', {
      headers: bearer(token({ roles: ['buyer', 'admin'], scope: '' })),
    });
    assert.deepEqual(body, { data: { products: [{ costCents: 500 }] } });
  });

  test('@policy fails closed when no router policy grants it (FORBIDDEN), also for admins', async () => {
    for (const roles of [['buyer'], ['admin']]) {
      const { body } = await gql(gateway.graphqlUrl, '{ me auditLog }', { headers: bearer(token({ roles })) });
      assert.deepEqual(body.data, { me: 'fixture-user', auditLog: null });
      assert.deepEqual(body.errors.map((e) => e.extensions.code), ['FORBIDDEN']);
    }
  });

  test('@policy recent_login: a sign-in from the last 15 minutes passes, an older or missing one is FORBIDDEN', async () => {
    const fresh = await gql(gateway.graphqlUrl, '{ sudo }', { headers: bearer(token({ roles: ['admin'] })) });
    assert.deepEqual(fresh.body, { data: { sudo: 'fixture-sudo' } });
    const at = Math.floor(Date.now() / 1000);
    for (const auth_time of [at - 16 * 60, undefined, String(at)]) {
      const mark = subgraph.requests.length;
      const { body } = await gql(gateway.graphqlUrl, '{ me sudo }', { headers: bearer(token({ roles: ['admin'], auth_time })) });
      assert.deepEqual(body.data, { me: 'fixture-user', sudo: null });
      assert.deepEqual(body.errors.map((e) => e.extensions.code), ['FORBIDDEN']);
      assert.ok(since(subgraph, mark).every((q) => !q.includes('sudo')));
    }
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refused = {
    'alg: none': () => unsignedToken('key-1', claims()),
    'signed by another key under our kid': () => signES256(stranger, claims()),
    expired: () => token({ iat: now() - 3600, exp: now() - 60 }),
    'wrong audience': () => token({ aud: 'someone-else' }),
    'wrong issuer': () => token({ iss: 'evil-accounts' }),
    'HS256 with the public key as secret': () => hs256WithPublicKey(key, claims()),
    'unknown kid': () => signES256(makeSigningKey('key-404'), claims()),
    'no exp claim': () => token({ exp: undefined }),
    'not a JWT': () => 'not-a-jwt',
  };
  const reasons = {
    'alg: none': 'BAD_HEADER',
    'signed by another key under our kid': 'INVALID',
    expired: 'EXPIRED',
    'wrong audience': 'INVALID',
    'wrong issuer': 'INVALID',
    'HS256 with the public key as secret': 'BAD_HEADER',
    'unknown kid': 'UNKNOWN_KID',
    'no exp claim': 'INVALID',
    'not a JWT': 'MALFORMED',
  };
  for (const [label, make] of Object.entries(refused)) {
    test(`refused: ${label} -> HTTP 401, UNAUTHENTICATED, nothing sent to the subgraph`, async () => {
      const mark = subgraph.requests.length;
      const { res, body } = await gql(gateway.graphqlUrl, '{ products(first: 1) { id } }', { headers: bearer(make()) });
      assert.equal(res.status, 401, JSON.stringify(body));
      assert.match(res.headers.get('content-type'), /json/);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
      assert.equal(body.data, undefined);
      assert.equal(body.errors.length, 1);
      assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
      assert.equal(body.errors[0].extensions.reason, reasons[label]);
      assert.equal(body.errors[0].extensions.http, undefined);
      assert.deepEqual(since(subgraph, mark), []);
    });
  }

  test('refused: an Authorization header that is not "Bearer <token>" (also with accept: application/json)', async () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', `Token ${token()}`]) {
      const { res, body } = await gql(gateway.graphqlUrl, '{ products(first: 1) { id } }', {
        headers: { authorization, accept: 'application/json' },
      });
      assert.equal(res.status, 401, authorization);
      assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
      assert.equal(body.errors[0].extensions.reason, 'MALFORMED');
    }
  });

  test('an expired or garbage token does not block the token-exempt root fields (login, refreshToken)', async () => {
    const expired = token({ iat: now() - 3600, exp: now() - 60 });
    for (const authorization of [`Bearer ${expired}`, 'Bearer garbage']) {
      const mark = subgraph.requests.length;
      const { res, body } = await gql(
        gateway.graphqlUrl,
        'mutation Refresh { ...Tokens renewed: refreshToken } fragment Tokens on Mutation { login(email: "a@example.com") }',
        { headers: { authorization }, variables: {} },
      );
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.deepEqual(body, {
        data: { login: `login:a@example.com:${authorization}`, renewed: `refresh:${authorization}` },
      });
      // the stale header still reaches the subgraph (it decides what to do with it)
      assert.equal(subgraph.requests[mark].headers.authorization, authorization);
    }
  });

  test('the exemption covers only the selected operation: other root fields with a bad token are refused', async () => {
    const expired = token({ iat: now() - 3600, exp: now() - 60 });
    const document = 'mutation A { login(email: "x") } query B { products(first: 1) { id } }';
    const res = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(expired) },
      body: JSON.stringify({ query: document, operationName: 'A' }),
    });
    assert.equal(res.status, 200, JSON.stringify(await res.json()));
    const b = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(expired) },
      body: JSON.stringify({ query: document, operationName: 'B' }),
    });
    assert.equal(b.status, 401);
    assert.equal((await b.json()).errors[0].extensions.code, 'UNAUTHENTICATED');
  });

  test('key rotation: a new kid is refused until it is in the JWKS file, then accepted without a restart', async () => {
    const t = signES256(rotated, claims());
    const first = await gql(gateway.graphqlUrl, '{ me }', { headers: bearer(t) });
    assert.equal(first.res.status, 401);
    assert.equal(first.body.errors[0].extensions.reason, 'UNKNOWN_KID');

    writeJwks(jwksPath, [key, rotated]);
    await sleep(1_100); // JWT_JWKS_MIN_REFRESH_S=1: at most one re-read per second
    const second = await gql(gateway.graphqlUrl, '{ me }', { headers: bearer(t) });
    assert.equal(second.res.status, 200, JSON.stringify(second.body));
    assert.deepEqual(second.body, { data: { me: 'fixture-user' } });
    // the old key still works
    assert.deepEqual((await gql(gateway.graphqlUrl, '{ me }', { headers: bearer(token()) })).body, { data: { me: 'fixture-user' } });
  });

  test('a verified (cached) token stops working once it expires (exp + 5 s clock tolerance)', async () => {
    const t = token({ exp: now() + 1 });
    for (let i = 0; i < 2; i++) {
      assert.deepEqual((await gql(gateway.graphqlUrl, '{ me }', { headers: bearer(t) })).body, { data: { me: 'fixture-user' } });
    }
    await sleep((now() + 1 + 5 + 1 - Date.now() / 1000) * 1000);
    const late = await gql(gateway.graphqlUrl, '{ me }', { headers: bearer(t) });
    assert.equal(late.res.status, 401);
    assert.equal(late.body.errors[0].extensions.reason, 'EXPIRED');
  });

  test('WebSocket subscriptions: the token comes from connectionParams.authorization', async () => {
    const run = async (authorization, query) => {
      const client = createClient({
        url: gateway.graphqlUrl.replace('http://', 'ws://'),
        webSocketImpl: WebSocket,
        connectionParams: authorization ? { authorization } : {},
        lazy: true,
        retryAttempts: 0,
      });
      const results = [];
      try {
        for await (const result of client.iterate({ query })) results.push(result);
      } catch (errors) {
        results.push({ errors: Array.isArray(errors) ? errors : [errors] });
      } finally {
        await client.dispose();
      }
      return results;
    };
    const t = token();
    for (let i = 0; i < 2; i++) {
      // second time round the claims come from the verified-token cache
      assert.deepEqual(await run(`Bearer ${t}`, 'subscription { wsEcho { authorization } }'), [
        { data: { wsEcho: { authorization: `Bearer ${t}` } } },
      ]);
    }
    const bad = await run('Bearer garbage', 'subscription { ticks(n: 1) }');
    assert.equal(bad.length, 1);
    assert.equal(bad[0].errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', JSON.stringify(bad));
    assert.deepEqual(await run(undefined, 'subscription { ticks(n: 2) }'), [{ data: { ticks: 1 } }, { data: { ticks: 2 } }]);
  });
});

describe('router with JWT verification (JWT_JWKS_URL)', () => {
  let subgraph;
  let schema;
  let gateway;
  let jwksServer;
  let served;
  let fetches = 0;
  const key = makeSigningKey('url-key-1');
  const rotated = makeSigningKey('url-key-2');

  before(async () => {
    served = [key];
    jwksServer = createServer((req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: served.map((k) => k.jwk) }));
    });
    await new Promise((r) => jwksServer.listen(0, '127.0.0.1', r));
    subgraph = await startFixtureSubgraph();
    schema = makeFixtureSchemaDir();
    gateway = await startGateway({
      supergraph: schema.supergraph,
      env: {
        PRODUCTS_URL: subgraph.url,
        JWT_JWKS_URL: `http://127.0.0.1:${jwksServer.address().port}/.well-known/jwks.json`,
        JWT_JWKS_MIN_REFRESH_S: '1',
        JWT_ISSUER: 'test-issuer',
        JWT_AUDIENCE: 'test-audience',
      },
    });
  });

  after(async () => {
    await gateway?.stop();
    await subgraph?.close();
    schema?.cleanup();
    await new Promise((r) => jwksServer?.close(r));
  });

  test('keys are fetched once and cached; JWT_ISSUER / JWT_AUDIENCE are applied', async () => {
    const t = signES256(key, claims({ iss: 'test-issuer', aud: 'test-audience' }));
    for (let i = 0; i < 3; i++) {
      assert.deepEqual((await gql(gateway.graphqlUrl, '{ me }', { headers: bearer(t) })).body, { data: { me: 'fixture-user' } });
    }
    assert.equal(fetches, 1);
    const defaults = await gql(gateway.graphqlUrl, '{ me }', { headers: bearer(signES256(key, claims())) });
    assert.equal(defaults.res.status, 401);
  });

  test('an unknown kid re-fetches the JWKS (at most once per JWT_JWKS_MIN_REFRESH_S)', async () => {
    served = [key, rotated];
    await sleep(1_100);
    const t = signES256(rotated, claims({ iss: 'test-issuer', aud: 'test-audience' }));
    assert.deepEqual((await gql(gateway.graphqlUrl, '{ me }', { headers: bearer(t) })).body, { data: { me: 'fixture-user' } });
    assert.equal(fetches, 2);
    // a burst of unknown kids right after: no further fetch
    for (let i = 0; i < 3; i++) {
      const unknown = signES256(makeSigningKey(`nope-${i}`), claims({ iss: 'test-issuer', aud: 'test-audience' }));
      assert.equal((await gql(gateway.graphqlUrl, '{ me }', { headers: bearer(unknown) })).res.status, 401);
    }
    assert.equal(fetches, 2);
  });
});
