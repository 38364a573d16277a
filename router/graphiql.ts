// What GraphiQL (Hive Laboratory) opens on: a "Getting started" collection and one open tab per
// example operation of graphiql-example.graphql (validated against the schema by
// test/graphiql.test.mjs), each with the variables and headers it needs.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderLaboratory } from '@graphql-hive/render-laboratory';
import { Kind, parse, print } from 'graphql';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = readFileSync(resolve(HERE, 'graphiql-example.graphql'), 'utf8');
const GUIDE = SOURCE.slice(0, SOURCE.search(/^(query|mutation|subscription)\b/m)).trim();

const SIGNED_IN = JSON.stringify({ authorization: 'Bearer <the accessToken SignIn returned>' }, null, 2);
const SETUP: Record<string, { variables?: unknown; headers?: string }> = {
  Me: { headers: SIGNED_IN },
  AddToCart: { variables: { variantId: '<a variant id from Storefront>' } },
  Checkout: { variables: { expectedCartVersion: 1, idempotencyKey: 'first-checkout' }, headers: SIGNED_IN },
  MyOrders: { headers: SIGNED_IN },
  SellerDashboard: { headers: SIGNED_IN },
};

export const EXAMPLE_OPERATIONS = parse(SOURCE)
  .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
  .map((d, index) => {
    const name = d.name?.value ?? `Example${index + 1}`;
    const setup = SETUP[name] ?? {};
    return {
      id: `example-${name}`,
      name,
      query: index === 0 ? `${GUIDE}\n\n${print(d)}\n` : `${print(d)}\n`,
      variables: JSON.stringify(setup.variables ?? {}, null, 2),
      headers: setup.headers ?? '{}',
      extensions: '{}',
    };
  });

const createdAt = new Date(0).toISOString();
const EXTRA_PROPS = {
  defaultOperations: EXAMPLE_OPERATIONS,
  defaultActiveOperationId: EXAMPLE_OPERATIONS[0]?.id,
  defaultTabs: EXAMPLE_OPERATIONS.map((op) => ({ id: `tab-${op.id}`, type: 'operation', data: { id: op.id, name: op.name } })),
  defaultActiveTabId: EXAMPLE_OPERATIONS[0] && `tab-${EXAMPLE_OPERATIONS[0].id}`,
  defaultCollections: [
    {
      id: 'getting-started',
      name: 'Getting started',
      description: 'Browse, sign in, fill a cart.',
      createdAt,
      operations: EXAMPLE_OPERATIONS.map((op) => ({ ...op, description: '', createdAt })),
    },
  ],
};

const RENDER_CALL = 'HiveLaboratory.renderLaboratory(';

// Runs in the browser around Laboratory's own render: the examples are the defaults only until
// the user has tabs and collections of their own (Laboratory keeps them in localStorage under
// `hive-laboratory:<key>`, and props given here would override them on every reload).
const BOOT = (extra: string) => `((render) => (root, props) => {
  const saved = (key) => { try { const v = JSON.parse(localStorage.getItem('hive-laboratory:' + key) || 'null'); return Array.isArray(v) && v.length > 0; } catch (e) { return false; } };
  const extra = ${extra};
  const fresh = {};
  if (!saved('operations') && !saved('tabs')) {
    fresh.defaultOperations = extra.defaultOperations; fresh.defaultTabs = extra.defaultTabs;
    fresh.defaultActiveOperationId = extra.defaultActiveOperationId; fresh.defaultActiveTabId = extra.defaultActiveTabId;
  }
  if (!saved('collections')) fresh.defaultCollections = extra.defaultCollections;
  return render(root, Object.assign({}, props, fresh));
})(HiveLaboratory.renderLaboratory)(`;

/** Hive Laboratory's page with our example operations added to the props it boots with. */
export function renderGraphiQL(options: Parameters<typeof renderLaboratory>[0]): string {
  const page = renderLaboratory(options);
  const at = page.lastIndexOf(RENDER_CALL);
  if (at < 0) return page; // a Laboratory that boots differently: plain, still usable
  const wrapped = BOOT(JSON.stringify(EXTRA_PROPS).replace(/</g, '\\u003c'));
  return page.slice(0, at) + wrapped + page.slice(at + RENDER_CALL.length);
}
