// The edge's rules on their own: structural limits, the cost model, client addresses, trusted
// documents (router/limits.ts, cost.ts, client-ip.ts, trusted-documents.ts, imported as TypeScript).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import { addressBucket, clientIp, TrustedProxies } from '../client-ip.ts';
import { actualCost, DEFAULT_LIST_SIZE, estimateCost, MUTATION_COST } from '../cost.ts';
import { DEFAULT_LIMITS, measure, parseWithin, violation } from '../limits.ts';
import { sha256, TrustedDocuments } from '../trusted-documents.ts';

const SCHEMA = buildSchema(/* GraphQL */ `
  directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  type Money @cost(weight: 0) { amount: Int! currency: String! }
  type Variant { id: ID! price: Money! }
  type Product {
    id: ID!
    title: String!
    variants: [Variant!]! @listSize(assumedSize: 5, requireOneSlicingArgument: false)
    tags: [String!]!
    related: [Product!]!
    priced: Int! @cost(weight: 7)
  }
  type ProductEdge @cost(weight: 0) { cursor: String! node: Product! }
  type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! }
  type Query {
    products(first: Int, last: Int, search: String @cost(weight: 3)): ProductConnection!
      @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges", "nodes"], assumedSize: 20, requireOneSlicingArgument: false)
    product(id: ID!): Product
  }
  type Mutation { touch(id: ID!): Product }
`);

const estimate = (query, variables, operationName) => estimateCost(SCHEMA, parse(query), operationName, variables);

describe('structural limits', () => {
  test('depth is measured through inline and named fragments, each fragment once', () => {
    const doc = parse('{ product(id: 1) { ...A } } fragment A on Product { related { ... on Product { related { id } } } }');
    assert.equal(measure(doc).depth, 4);
    // A fragment bomb: 20 fragments each spreading the next twice is 2^20 paths, measured in microseconds.
    const bomb = ['{ product(id: 1) { ...F0 } }'];
    for (let i = 0; i < 20; i++) bomb.push(`fragment F${i} on Product { related { ...F${i + 1} } r: related { ...F${i + 1} } }`);
    bomb.push('fragment F20 on Product { id }');
    const started = performance.now();
    const measures = measure(parse(bomb.join('\n')));
    assert.ok(performance.now() - started < 50);
    assert.equal(measures.depth, 22);
    assert.equal(violation(measures, DEFAULT_LIMITS).extensions.limit, 'depth');
  });

  test('a fragment cycle does not hang the measure (validation refuses it afterwards)', () => {
    const measures = measure(parse('{ product(id: 1) { ...A } } fragment A on Product { related { ...A } }'));
    assert.equal(measures.depth, 2);
  });

  test('aliases, directives and root fields are counted; the first broken limit is named', () => {
    const aliases = parse(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`);
    assert.deepEqual(
      { ...violation(measure(aliases), DEFAULT_LIMITS).extensions, http: undefined },
      { code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 30, actual: 31, http: undefined },
    );
    const directives = parse(`{ product(id: 1) { ${Array.from({ length: 51 }, () => 'id @include(if: true)').join(' ')} } }`);
    assert.equal(violation(measure(directives), DEFAULT_LIMITS).extensions.limit, 'directives');
    const roots = parse(`{ ...R } fragment R on Query { ${Array.from({ length: 21 }, () => 'product(id: 1) { id }').join(' ')} }`);
    assert.equal(measure(roots).rootFields, 21);
    assert.equal(violation(measure(roots), DEFAULT_LIMITS).extensions.limit, 'rootFields');
  });

  test('GraphiQL introspection passes; a deeper introspection is refused on its own limit', () => {
    const introspection = measure(parse(getIntrospectionQuery({ inputValueDeprecation: true })));
    assert.equal(introspection.depth, 0);
    assert.equal(violation(introspection, DEFAULT_LIMITS), undefined);
    const deep = `{ __schema { types { ${'fields { type { '.repeat(12)}name${' } }'.repeat(12)} } } }`;
    assert.equal(violation(measure(parse(deep)), DEFAULT_LIMITS).extensions.limit, 'introspectionDepth');
  });

  test('the token limit stops the parser; other syntax errors are left to the server', () => {
    const refused = parseWithin(`{ ${'__typename '.repeat(5000)} }`, 4000);
    assert.equal(refused.extensions.code, 'QUERY_TOO_COMPLEX');
    assert.equal(refused.extensions.limit, 'tokens');
    assert.equal(parseWithin('{ products(', 4000), undefined);
    assert.equal(parseWithin('{ __typename }', 4000).kind, 'Document');
  });
});

describe('query cost', () => {
  test('a connection costs 1 plus its page: first, last, a variable, or the assumed default', () => {
    // connection 1 + n × (product 1 + variants 5 × (variant 1 + money 0))
    assert.equal(estimate('{ products(first: 4) { nodes { id variants { price { amount } } } } }'), 1 + 4 * (1 + 5));
    assert.equal(estimate('query($n: Int) { products(last: $n) { nodes { id } } }', { n: 7 }), 1 + 7);
    assert.equal(estimate('{ products { nodes { id } } }'), 1 + 20);
    // Free edges: only their node counts.
    assert.equal(estimate('{ products(first: 3) { edges { cursor node { id } } } }'), 1 + 3 * (0 + 1));
  });

  test('@cost weighs fields and arguments; lists without @listSize assume the default size', () => {
    assert.equal(estimate('{ product(id: 1) { priced } }'), 1 + 7);
    assert.equal(estimate('{ products(first: 1, search: "x") { nodes { id } } }'), 3 + 1 + 1);
    assert.equal(estimate('{ product(id: 1) { related { id } tags } }'), 1 + DEFAULT_LIST_SIZE);
  });

  test('@skip and @include are honoured; mutations cost more per root field', () => {
    assert.equal(estimate('query($s: Boolean!) { product(id: 1) @skip(if: $s) { id } }', { s: true }), 0);
    assert.equal(estimate('{ product(id: 1) @include(if: true) { id } }'), 1);
    assert.equal(estimate('mutation { touch(id: 1) { id } }'), MUTATION_COST + 1);
  });

  test('a fragment bomb is costed once per fragment, and its cost is what its paths are', () => {
    const bomb = ['{ product(id: 1) { ...F0 } }'];
    for (let i = 0; i < 30; i++) bomb.push(`fragment F${i} on Product { related { ...F${i + 1} } }`);
    bomb.push('fragment F30 on Product { id }');
    const started = performance.now();
    const cost = estimate(bomb.join('\n'));
    assert.ok(performance.now() - started < 50);
    assert.ok(cost > 1e20, `cost ${cost}`);
  });

  test('a remembered estimate follows the variables it depends on', () => {
    const doc = parse('query($i: Boolean!, $n: Int) { products(first: 2) { nodes { id } } p: products(first: $n) @include(if: $i) { nodes { id } } }');
    assert.equal(estimateCost(SCHEMA, doc, undefined, { i: false, n: 5 }), 3);
    assert.equal(estimateCost(SCHEMA, doc, undefined, { i: true, n: 5 }), 3 + 6);
    assert.equal(estimateCost(SCHEMA, doc, undefined, { i: true, n: 50 }), 3 + 51);
    assert.equal(estimateCost(SCHEMA, doc, undefined, { i: false, n: 50 }), 3);
    assert.equal(estimateCost(SCHEMA, doc, undefined, { i: true, n: 5 }), 3 + 6);
  });

  test('the actual cost of one document follows its @include variables', () => {
    const doc = parse('query($i: Boolean!) { products(first: 5) { nodes { id variants @include(if: $i) { id } } } }');
    const data = { products: { nodes: [{ id: 'a', variants: [{ id: 'v' }, { id: 'w' }] }] } };
    assert.equal(actualCost(SCHEMA, doc, undefined, { i: true }, data), 1 + 1 + 2);
    assert.equal(actualCost(SCHEMA, doc, undefined, { i: false }, data), 1 + 1);
  });

  test('the actual cost counts what came back', () => {
    const query = '{ products(first: 10) { nodes { id variants { id } } } }';
    const data = { products: { nodes: [{ id: 'a', variants: [{ id: 'v1' }, { id: 'v2' }] }, { id: 'b', variants: [] }] } };
    assert.equal(estimate(query), 1 + 10 * (1 + 5));
    assert.equal(actualCost(SCHEMA, parse(query), undefined, {}, data), 1 + 2 + 2);
    assert.equal(actualCost(SCHEMA, parse('{ product(id: 1) { id } }'), undefined, {}, { product: null }), 0);
    // Duplicate selections of one field are one field, as execution merges them.
    const twice = '{ products(first: 10) { nodes { id } ... on ProductConnection { nodes { id } } } }';
    assert.equal(actualCost(SCHEMA, parse(twice), undefined, {}, { products: { nodes: [{ id: 'a' }] } }), 2);
  });
});

describe('client addresses', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '::1']);

  test('x-forwarded-for is believed only from a trusted proxy, walking back to the first untrusted hop', () => {
    assert.equal(clientIp('10.1.1.1', '198.51.100.7', proxies), '198.51.100.7');
    assert.equal(clientIp('198.51.100.9', '203.0.113.1', proxies), '198.51.100.9');
    assert.equal(clientIp('10.1.1.1', '203.0.113.1, 198.51.100.7, 10.2.2.2', proxies), '198.51.100.7');
    assert.equal(clientIp('::ffff:10.1.1.1', 'garbage', proxies), '10.1.1.1');
    assert.equal(clientIp('10.1.1.1', '198.51.100.7', new TrustedProxies([])), '10.1.1.1');
  });

  test('IPv6 clients share a bucket per /64; IPv4 per address', () => {
    assert.equal(addressBucket('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(addressBucket('2001:db8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(addressBucket('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressBucket('198.51.100.7'), '198.51.100.7');
  });

  test('a bad ROUTER_TRUSTED_PROXIES entry fails at start-up', () => {
    assert.throws(() => new TrustedProxies(['10.0.0.0/33']), /prefix/);
    assert.throws(() => new TrustedProxies(['proxy.internal']), /not an address/);
  });
});

describe('trusted documents', () => {
  const body = '{ products { nodes { id } } }';
  const manifest = { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(body), name: 'P', type: 'query', body }] };

  test('a documentId (either spelling) becomes its document; an unknown one is refused', () => {
    const docs = new TrustedDocuments(manifest, false);
    assert.deepEqual(docs.resolve({ documentId: `sha256:${sha256(body)}` }), { query: body });
    assert.deepEqual(docs.resolve({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(body) } } }), { query: body });
    assert.equal(docs.resolve({ documentId: 'sha256:00' }).error.extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
    assert.equal(docs.resolve({ query: '{ __typename }' }), undefined);
  });

  test('trusted-only mode refuses any other document, also one sent with its own hash', () => {
    const docs = new TrustedDocuments(manifest, true);
    assert.equal(docs.resolve({ query: '{ __typename }' }).error.extensions.code, 'PERSISTED_QUERY_REQUIRED');
    const other = '{ __typename }';
    assert.equal(docs.resolve({ query: other, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(other) } } }).error.extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
    assert.equal(docs.resolve({ query: body, documentId: 'sha256:ff' }).error.extensions.code, 'PERSISTED_QUERY_HASH_MISMATCH');
    assert.deepEqual(docs.resolve({ documentId: sha256(body) }), { query: body });
  });
});
