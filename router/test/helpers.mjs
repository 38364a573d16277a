// Shared helpers for the router tests: free ports, a composed fixture supergraph
// in a temp dir, and a gateway child process that is always cleaned up.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeDir } from '../compose.mjs';
import { after, before } from 'node:test';
import { FIXTURE_SDL_PATH, startFixtureSubgraph } from './fixtures/subgraph.mjs';

export const ROUTER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GATEWAY_BIN = join(ROUTER_DIR, 'node_modules', '.bin', 'hive-gateway');

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * A temp schema dir holding the fixture as "products". The composed URL points at a
 * dead port on purpose: queries only succeed if PRODUCTS_URL overrides it.
 */
export function makeFixtureSchemaDir() {
  const dir = mkdtempSync(join(tmpdir(), 'router-test-'));
  copyFileSync(FIXTURE_SDL_PATH, join(dir, 'products.graphql'));
  writeFileSync(join(dir, 'subgraphs.json'), JSON.stringify({ products: { url: 'http://127.0.0.1:9/graphql' } }, null, 2) + '\n');
  writeFileSync(join(dir, 'supergraph.graphql'), composeDir(dir));
  return { dir, supergraph: join(dir, 'supergraph.graphql'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Start `hive-gateway supergraph <file>` from router/ (so it loads gateway.config.ts).
 * Resolves when /readiness answers 200.
 */
export async function startGateway({ supergraph, env = {}, timeoutMs = 30_000 }) {
  const port = await freePort();
  // Cost reporting and rate limits are the edge tests' subject (edge.test.mjs turns them on);
  // elsewhere they would only add `extensions.cost` and share one bucket across every test.
  const childEnv = { ...process.env, ROUTER_COST: '0', ROUTER_RATE_LIMIT: '0', ROUTER_PORT: String(port), ...env };
  // The CLI's generic PORT/HOST would override ROUTER_PORT.
  delete childEnv.PORT;
  delete childEnv.HOST;
  const started = performance.now();
  const child = spawn(GATEWAY_BIN, ['supergraph', supergraph], {
    cwd: ROUTER_DIR,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  exited.then(() => children.delete(child));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let ready = false;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`${url}/readiness`);
      await res.arrayBuffer();
      if (res.ok) {
        ready = true;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`gateway did not become ready (exit ${child.exitCode}):\n${output}`);
  }
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    port,
    pid: child.pid,
    startMs: performance.now() - started,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** POST a GraphQL operation; returns { res, body }. */
export async function gql(url, query, { headers = {}, variables } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { res, body };
}

/**
 * For one `describe`: a fixture subgraph and a gateway in front of it, started before its tests
 * and stopped after. `env` (or a function of the setup, to use its schema dir) adds to
 * PRODUCTS_URL. Returns the setup, filled in once `before` has run.
 */
export function useFixtureGateway(env = {}) {
  const setup = {};
  before(async () => {
    setup.subgraph = await startFixtureSubgraph();
    setup.schema = makeFixtureSchemaDir();
    const extra = typeof env === 'function' ? env(setup) : env;
    setup.gateway = await startGateway({ supergraph: setup.schema.supergraph, env: { PRODUCTS_URL: setup.subgraph.url, ...extra } });
  });
  after(async () => {
    await setup.gateway?.stop();
    await setup.subgraph?.close();
    setup.schema?.cleanup();
  });
  return setup;
}
