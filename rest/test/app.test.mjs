// @ts-check
// The shim's own decisions, against a recording stand-in for the router: routes, DRF's URL
// conventions, variables, status codes, ETags, cookies. (Through the real router and
// subgraphs: tests/e2e/test_rest_*.py.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, handler } from '../app.mjs';
import { loadSchema, operationFor, documentId } from '../operations.mjs';
import { ROUTES } from '../routes.mjs';

const routes = compile(loadSchema());

/** @param {(body: any) => { status?: number, headers?: Record<string, any>, body: any }} answer */
function shim(answer) {
  /** @type {{ body: any, headers: Record<string, string> }[]} */
  const sent = [];
  const handle = handler(routes, async (body, headers) => {
    sent.push({ body, headers });
    const reply = answer(body);
    return { status: reply.status ?? 200, headers: reply.headers ?? {}, body: reply.body };
  });
  /** @param {string} method @param {string} path @param {{ headers?: Record<string, string>, body?: string }} [opts] */
  const call = (method, path, opts = {}) =>
    handle({ method, url: new URL(path, 'http://shim.test'), headers: opts.headers ?? {}, body: opts.body, clientIp: '10.0.0.9' });
  return { call, sent };
}

/** @param {unknown[]} nodes @param {Record<string, unknown>} [info] */
const page = (nodes, info = {}) => ({
  body: {
    data: { products: { nodes, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: 's', endCursor: 'e', ...info } } },
  },
});

test('every route has a persisted operation whose id the router manifest would give it', () => {
  for (const c of routes) {
    assert.equal(c.id, documentId(operationFor(loadSchema(), c.route)));
    assert.match(c.route.path, /^\/api\/.*\/$/, `${c.route.path} keeps DRF's trailing slash`);
  }
  assert.ok(ROUTES.length >= 80);
});

test('a path without its trailing slash redirects a GET and refuses a POST, as DRF does', async () => {
  const { call } = shim(() => page([]));
  const get = await call('GET', '/api/products?page_size=2');
  assert.equal(get.status, 301);
  assert.equal(get.headers.location, '/api/products/?page_size=2');
  const post = await call('POST', '/api/register', { body: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(post.status, 404);
  assert.equal((await call('GET', '/api/nothing-here/')).status, 404);
});

test('a method the route does not take is 405 with Allow', async () => {
  const { call } = shim(() => page([]));
  const reply = await call('DELETE', '/api/products/');
  assert.equal(reply.status, 405);
  assert.equal(reply.headers.allow, 'GET, POST, OPTIONS');
});

test('filters, ordering and page size become the operation variables; the id only travels as documentId', async () => {
  const { call, sent } = shim(() => page([{ id: 'p1', priceRange: { min: { amount: 5 } } }], { hasNextPage: true }));
  const reply = await call('GET', '/api/products/?brand=b1,b2&min_price=100&in_stock=true&status=active&ordering=-price&page_size=500');
  assert.equal(reply.status, 200, JSON.stringify(reply));
  const { variables, documentId: id, query } = sent[0].body;
  assert.equal(query, undefined);
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(variables, {
    filter: { brandIds: ['b1', 'b2'], price: { min: 100 }, inStock: true, status: 'ACTIVE' },
    sort: { field: 'PRICE', direction: 'DESC' },
    first: 100, // DRF clamps to the maximum page size
  });
  const body = /** @type {any} */ (JSON.parse(reply.text ?? ''));
  assert.deepEqual(body.results, [{ id: 'p1', price_range: { min: { amount: 5 } } }]);
  assert.equal(body.previous, null);
  const next = new URL(body.next);
  assert.equal(next.searchParams.get('ordering'), '-price');
  // The next page asks for what follows the last row; its previous link goes back before the first.
  await call('GET', `${next.pathname}${next.search}`);
  assert.equal(sent[1].body.variables.after, 'e');
});

test('a previous link pages backwards with last/before', async () => {
  const { call, sent } = shim(() => page([{ id: 'p2' }], { hasPreviousPage: true, startCursor: 'S2', endCursor: 'E2' }));
  const cursor = Buffer.from(JSON.stringify({ b: 'S1' })).toString('base64url');
  const body = JSON.parse((await call('GET', `/api/products/?cursor=${cursor}`)).text ?? '');
  assert.deepEqual(
    { last: sent[0].body.variables.last, before: sent[0].body.variables.before },
    { last: 20, before: 'S1' },
  );
  assert.ok(body.previous && body.next);
});

test('bad query parameters are field errors, a bad cursor is 404 as in DRF', async () => {
  const { call, sent } = shim(() => page([]));
  const cases = [
    ['/api/products/?min_price=cheap', 'min_price'],
    ['/api/products/?in_stock=maybe', 'in_stock'],
    ['/api/products/?status=sold', 'status'],
    ['/api/products/?ordering=colour', 'ordering'],
    ['/api/products/?page_size=-3', 'page_size'],
    ['/api/products/?page_size=', 'page_size'],
    ['/api/product-images/', 'product'],
  ];
  for (const [path, field] of cases) {
    const reply = await call('GET', path);
    assert.equal(reply.status, 400, path);
    assert.ok(Array.isArray(/** @type {any} */ (reply.body)[field]), `${path}: ${JSON.stringify(reply.body)}`);
  }
  assert.equal((await call('GET', '/api/products/?cursor=%%%')).status, 404);
  assert.equal(sent.length, 0, 'nothing reached the router');
});

test('a missing or foreign object is 404, GraphQL codes become statuses, Retry-After is kept', async () => {
  const answers = {
    missing: { body: { data: { product: null } } },
    unauthenticated: { status: 200, body: { errors: [{ message: 'Sign in', extensions: { code: 'UNAUTHENTICATED' } }], data: null } },
    limited: { status: 429, headers: { 'retry-after': '7' }, body: { errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }] } },
    down: { status: 503, body: { errors: [{ message: 'db', extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 } }] } },
  };
  /** @type {keyof typeof answers} */
  let now = 'missing';
  const { call } = shim(() => answers[now]);
  assert.equal((await call('GET', '/api/products/abc/')).status, 404);
  now = 'unauthenticated';
  assert.deepEqual((await call('GET', '/api/orders/')).body, { detail: 'Sign in', code: 'UNAUTHENTICATED' });
  now = 'limited';
  const limited = await call('GET', '/api/products/');
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['retry-after'], '7');
  now = 'down';
  const down = await call('GET', '/api/products/');
  assert.equal(down.status, 503);
  assert.equal(down.headers['retry-after'], '2');
});

test('a router that cannot be reached is a coded 503, never an unhandled 500', async () => {
  const handle = handler(routes, async () => {
    throw new Error('connect ECONNREFUSED');
  });
  const reply = await handle({ method: 'GET', url: new URL('http://s/api/products/'), headers: {}, body: undefined });
  assert.equal(reply.status, 503);
  assert.equal(/** @type {any} */ (reply.body).code, 'SERVICE_UNAVAILABLE');
});

test('userErrors are DRF field errors; conflicts and stale versions keep their own status', async () => {
  let payload = { userErrors: [{ field: ['input', 'email'], message: 'Taken', code: 'BAD_USER_INPUT' }] };
  const { call, sent } = shim(() => ({ body: { data: { register: payload, addToCart: payload } } }));
  const json = { 'content-type': 'application/json' };
  const bad = await call('POST', '/api/register/', { headers: json, body: JSON.stringify({ email: 'x', display_name: 'X' }) });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body, { email: ['Taken'] });
  assert.deepEqual(sent[0].body.variables, { input: { email: 'x', displayName: 'X' } });
  payload = { userErrors: [{ field: ['expectedVersion'], message: 'The cart changed', code: 'STALE_CART_VERSION' }] };
  const stale = await call('POST', '/api/cart-items/', {
    headers: { ...json, 'idempotency-key': 'k1', 'if-match': '"4"' },
    body: JSON.stringify({ variant_id: 'v1', quantity: 2 }),
  });
  assert.equal(stale.status, 412);
  assert.deepEqual(sent[1].body.variables, { variantId: 'v1', quantity: 2, idempotencyKey: 'k1', expectedVersion: 4 });
  assert.equal((await call('POST', '/api/register/', { headers: { 'content-type': 'text/plain' }, body: 'x' })).status, 415);
  assert.equal((await call('POST', '/api/register/', { headers: json, body: '{nope' })).status, 400);
});

test('a created object is 201, a removal 204', async () => {
  const { call } = shim(() => ({
    body: { data: { addToCart: { userErrors: [], cart: { id: 'c1', itemsCount: 1 } }, removeCartItem: { userErrors: [], cart: { id: 'c1' } } } },
  }));
  const json = { 'content-type': 'application/json' };
  const created = await call('POST', '/api/cart-items/', { headers: json, body: '{"variant_id":"v"}' });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body, { id: 'c1', items_count: 1 });
  const removed = await call('DELETE', '/api/cart-items/i1/');
  assert.equal(removed.status, 204);
  assert.equal(removed.body, undefined);
});

test('GETs carry an ETag; If-None-Match answers 304 without a body', async () => {
  const { call } = shim(() => ({ body: { data: { product: { id: 'p1', title: 'Lamp' } } } }));
  const first = await call('GET', '/api/products/p1/');
  const etag = String(first.headers.etag);
  assert.match(etag, /^W\/"/);
  const again = await call('GET', '/api/products/p1/', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, undefined);
});

test('login forwards cookies and the CSRF header, and scopes the refresh cookie to /api/auth/', async () => {
  const { call, sent } = shim(() => ({
    headers: { 'set-cookie': ['refresh_token=r; Path=/graphql; HttpOnly; Secure', 'csrf_token=c; Path=/'] },
    body: { data: { refreshToken: { userErrors: [], accessToken: 'a' } } },
  }));
  const reply = await call('POST', '/api/auth/refresh/', { headers: { cookie: 'refresh_token=r; csrf_token=c', 'x-csrf-token': 'c' } });
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.headers['set-cookie'], ['refresh_token=r; Path=/api/auth/; HttpOnly; Secure', 'csrf_token=c; Path=/']);
  assert.equal(sent[0].headers.cookie, 'refresh_token=r; csrf_token=c');
  assert.equal(sent[0].headers['x-csrf-token'], 'c');
  assert.equal(sent[0].headers['x-forwarded-for'], '10.0.0.9');
});

test("the memo of shaped answers is keyed by the router's bytes: one caller never gets another's", async () => {
  let shaped = 0;
  const handle = handler(routes, async (_body, headers) => {
    shaped += 1;
    const who = headers.authorization === 'Bearer a' ? 'a' : 'b';
    return { status: 200, headers: {}, text: JSON.stringify({ data: { order: { id: who, grandTotal: { amount: who === 'a' ? 1 : 2 } } } }) };
  });
  /** @param {string} token */
  const ask = (token) => handle({ method: 'GET', url: new URL('http://s/api/orders/o1/'), headers: { authorization: `Bearer ${token}` }, body: undefined });
  const a1 = await ask('a');
  const b = await ask('b');
  const a2 = await ask('a');
  assert.deepEqual(JSON.parse(a1.text ?? ''), { id: 'a', grand_total: { amount: 1 } });
  assert.deepEqual(JSON.parse(b.text ?? ''), { id: 'b', grand_total: { amount: 2 } });
  assert.equal(a2.text, a1.text);
  assert.equal(a2.headers.etag, a1.headers.etag);
  assert.notEqual(b.headers.etag, a1.headers.etag);
  assert.equal(shaped, 3, 'the router is asked every time: it decides, the memo only saves re-shaping');
});

test("the router's ETag is sent back; its 304 serves the answer shaped from those bytes, its 200 a new one", async () => {
  /** @type {(string | undefined)[]} */
  const asked = [];
  let catalogue = { id: 'p1', title: 'Kettle' };
  const handle = handler(routes, async (_body, headers) => {
    asked.push(headers['if-none-match']);
    const text = JSON.stringify({ data: { product: catalogue } });
    const etag = `W/"${catalogue.title}"`;
    if (headers['if-none-match'] === etag) return { status: 304, headers: { etag, 'x-cache': 'HIT' }, text: '' };
    return { status: 200, headers: { etag, 'x-cache': 'HIT' }, text };
  });
  const ask = () => handle({ method: 'GET', url: new URL('http://s/api/products/p1/'), headers: {}, body: undefined });
  const first = await ask();
  const again = await ask();
  assert.deepEqual([first.status, again.status], [200, 200]);
  assert.deepEqual(JSON.parse(again.text ?? ''), { id: 'p1', title: 'Kettle' });
  assert.equal(again.headers.etag, first.headers.etag);
  assert.equal(again.headers['x-cache'], 'HIT');
  catalogue = { id: 'p1', title: 'Teapot' };
  const changed = await ask();
  assert.deepEqual(JSON.parse(changed.text ?? ''), { id: 'p1', title: 'Teapot' });
  assert.notEqual(changed.headers.etag, first.headers.etag);
  assert.deepEqual(asked, [undefined, 'W/"Kettle"', 'W/"Kettle"']);
});

test('a 304 for an answer evicted from the memo meanwhile asks the router again for the bytes', async () => {
  /** @type {(string | undefined)[]} */
  const asked = [];
  /** @type {(id: string) => Promise<unknown>} */
  let ask = async () => undefined;
  const handle = handler(
    routes,
    async (body, headers) => {
      const id = String(/** @type {any} */ (body).variables.id);
      asked.push(headers['if-none-match']);
      const etag = `W/"${id}"`;
      if (headers['if-none-match'] === etag) {
        await ask('b'); // another request lands while this one waits, and takes the memo's only place
        return { status: 304, headers: { etag }, text: '' };
      }
      return { status: 200, headers: { etag }, text: JSON.stringify({ data: { product: { id, title: id } } }) };
    },
    { memoSize: 1 },
  );
  ask = (id) => handle({ method: 'GET', url: new URL(`http://s/api/products/${id}/`), headers: {}, body: undefined });
  await ask('a');
  const a = /** @type {{ text?: string }} */ (await ask('a'));
  assert.deepEqual(JSON.parse(a.text ?? ''), { id: 'a', title: 'a' });
  assert.deepEqual(asked, [undefined, 'W/"a"', undefined, undefined]);
});

test('a multipart form becomes a GraphQL multipart request: one document per file field, named by its kind', async () => {
  /** @type {any[]} */
  const sent = [];
  const handle = handler(routes, async (body, headers) => {
    sent.push({ body, headers });
    return { status: 200, headers: {}, text: JSON.stringify({ data: { submitKyc: { submission: { id: 'k1' }, userErrors: [] } } }) };
  });
  const form = new FormData();
  form.set('id_front', new Blob(['%PDF-1.4'], { type: 'application/pdf' }), 'front.pdf');
  form.set('selfie', new Blob(['png'], { type: 'image/png' }), 'me.png');
  /** @param {FormData} f @param {Record<string, string>} [extra] */
  const post = async (f, extra = {}) => {
    const request = new Request('http://s/', { method: 'POST', body: f });
    const raw = Buffer.from(await request.arrayBuffer());
    const headers = { 'content-type': request.headers.get('content-type') ?? '', ...extra };
    return handle({ method: 'POST', url: new URL('http://s/api/kyc/submit/'), headers, body: undefined, raw });
  };
  const reply = await post(form);
  assert.equal(reply.status, 201);
  assert.deepEqual(reply.body, { id: 'k1' });
  const outgoing = sent[0].body;
  assert.equal(typeof outgoing.get, 'function', 'a form, not JSON');
  const operation = JSON.parse(outgoing.get('operations'));
  assert.deepEqual(operation.variables.documents, [{ kind: 'ID_FRONT', file: null }, { kind: 'SELFIE', file: null }]);
  assert.deepEqual(JSON.parse(outgoing.get('map')), { 0: ['variables.documents.0.file'], 1: ['variables.documents.1.file'] });
  assert.equal(await outgoing.get('1').text(), 'png');
  assert.equal(sent[0].headers['content-type'], undefined, "the form's own multipart type goes out");

  const wrong = new FormData();
  wrong.set('passport_scan', new Blob(['x']), 'x.pdf');
  wrong.set('selfie', 'not a file');
  const refused = await post(wrong);
  assert.equal(refused.status, 400);
  assert.deepEqual(Object.keys(/** @type {any} */ (refused.body)).sort(), ['passport_scan', 'selfie']);
  assert.equal((await handle({ method: 'POST', url: new URL('http://s/api/kyc/submit/'), headers: { 'content-type': 'application/json' }, body: '{}' })).status, 415);
  assert.equal(sent.length, 1, 'nothing refused reaches the router');
});
