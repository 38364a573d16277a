#!/usr/bin/env node
// Router ceiling benchmark: Hive Gateway (Rust planner) in front of the trivial subgraph.
//
//   node bench/run.mjs [--duration 10] [--connections 32] [--warmup 2] [--dedupe] [--direct] [--json]
//                      [--jwt | --jwt-uncached | --jwt-anonymous] [--edge off|on|rate] [--compare-edge N]
//
// Composes a one-subgraph supergraph at run time (in a temp dir, never under schema/),
// starts bench/trivial-subgraph.mjs and the gateway as child processes on free ports,
// drives POST { ping } with keep-alive through autocannon, prints rps, latency and the
// gateway's RSS, then stops everything. De-duplication is OFF unless --dedupe.
// --jwt turns JWT verification on (JWT_JWKS_FILE with a fresh ES256 key) and sends the same
// valid `Authorization: Bearer` token on every request (after the first, the router's
// verified-token cache answers); --jwt-uncached sends a different token on every request
// (every one verified: the worst case); --jwt-anonymous turns verification on, sends none.
// --edge: `on` (default) runs the edge's structural limits and cost estimation (edge.ts),
// `off` neither, `rate` also the Redis rate limiter (REDIS_URL; a bucket too big to refuse).
// --compare-edge N: one gateway per edge mode, all up at once, loaded in N alternating rounds
// (off, on, rate, off, …) so machine noise hits every mode alike; prints each mode's medians.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import autocannon from 'autocannon';
import { compose } from '../compose.mjs';
import { freePort, startGateway } from '../test/helpers.mjs';
import { claims, makeSigningKey, signES256, writeJwks } from '../test/jwt-helpers.mjs';
import { TRIVIAL_SDL } from './trivial-subgraph.mjs';

function parseArgs(argv) {
  const o = { duration: 10, connections: 32, warmup: 2, dedupe: false, direct: false, json: false, jwt: null, edge: 'on' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--duration') o.duration = Number(argv[++i]);
    else if (a === '--connections') o.connections = Number(argv[++i]);
    else if (a === '--warmup') o.warmup = Number(argv[++i]);
    else if (a === '--dedupe') o.dedupe = true;
    else if (a === '--direct') o.direct = true;
    else if (a === '--json') o.json = true;
    else if (a === '--jwt') o.jwt = 'token';
    else if (a === '--jwt-anonymous') o.jwt = 'anonymous';
    else if (a === '--jwt-uncached') o.jwt = 'uncached';
    else if (a === '--edge') o.edge = argv[++i];
    else if (a === '--compare-edge') o.compareEdge = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!['off', 'on', 'rate'].includes(o.edge)) throw new Error(`--edge must be off, on or rate; got ${o.edge}`);
  if ((o.edge === 'rate' || o.compareEdge) && !process.env.REDIS_URL) throw new Error('--edge rate and --compare-edge need REDIS_URL');
  return o;
}

function edgeEnv(edge) {
  if (edge === 'off') return { ROUTER_LIMITS: '0', ROUTER_COST: '0', ROUTER_RATE_LIMIT: '0' };
  const on = { ROUTER_LIMITS: '1', ROUTER_COST: '1', ROUTER_RATE_LIMIT: '0', ROUTER_PUBLIC_CACHE: '0' };
  if (edge === 'on') return on;
  const huge = '1000000000/100000000';
  return { ...on, ROUTER_RATE_LIMIT: '1', ROUTER_RATE_LIMIT_ANONYMOUS: huge, ROUTER_RATE_LIMIT_SIGNED_IN: huge };
}

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used, from /proc (Linux only). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, USER_HZ = 100
  } catch {
    return null;
  }
}

let nextToken = 0; // across warm-up and run: no token is sent twice

function load(url, { duration, connections, headers = {}, tokens }) {
  const body = JSON.stringify({ query: '{ ping }' });
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body,
    // --jwt-uncached: a token never sent before on every request
    ...(tokens && {
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            body,
            headers: { ...req.headers, authorization: `Bearer ${tokens[nextToken++ % tokens.length]}` },
          }),
        },
      ],
    }),
    connections,
    duration,
    pipelining: 1,
  });
}

function summary(r) {
  return {
    rps: Math.round(r.requests.average),
    total: r.requests.total,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Every edge mode at once, loaded in alternating rounds; prints each mode's median rps and CPU. */
async function compareEdge(supergraph, subUrl, opts) {
  const modes = ['off', 'on', 'rate'];
  const gateways = {};
  try {
    for (const mode of modes) {
      gateways[mode] = await startGateway({
        supergraph,
        env: { TRIVIAL_URL: subUrl, ROUTER_DEDUPE: '0', ROUTER_LOG_LEVEL: 'warn', ...edgeEnv(mode) },
      });
      await load(gateways[mode].graphqlUrl, { ...opts, duration: Math.max(1, opts.warmup) });
    }
    const runs = Object.fromEntries(modes.map((m) => [m, []]));
    for (let round = 0; round < opts.compareEdge; round++) {
      for (const mode of modes) {
        const { pid, graphqlUrl } = gateways[mode];
        const before = cpuSeconds(pid);
        const run = summary(await load(graphqlUrl, opts));
        run.gatewayCpuUsPerRequest = Math.round(((cpuSeconds(pid) - before) * 1e6) / Math.max(1, run.total));
        runs[mode].push(run);
      }
    }
    const result = Object.fromEntries(
      modes.map((m) => [
        m,
        {
          medianRps: median(runs[m].map((r) => r.rps)),
          medianCpuUsPerRequest: median(runs[m].map((r) => r.gatewayCpuUsPerRequest)),
          rps: runs[m].map((r) => r.rps),
          errors: runs[m].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
        },
      ]),
    );
    console.log(JSON.stringify({ compareEdge: result, rounds: opts.compareEdge, durationS: opts.duration }, null, 2));
  } finally {
    for (const gateway of Object.values(gateways)) await gateway.stop();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'router-bench-'));
  const children = [];
  const cleanup = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  let gateway;
  try {
    // 1. supergraph composed at run time
    const composed = compose([{ name: 'trivial', url: 'http://127.0.0.1:9/graphql', typeDefs: parse(TRIVIAL_SDL) }]);
    if (composed.errors) throw new Error(composed.errors.join('\n'));
    const supergraph = join(dir, 'supergraph.graphql');
    writeFileSync(supergraph, composed.supergraph);

    // 2. trivial subgraph in its own process
    const subPort = await freePort();
    const sub = spawn(process.execPath, [fileURLToPath(new URL('./trivial-subgraph.mjs', import.meta.url)), String(subPort)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(sub);
    await new Promise((resolve, reject) => {
      sub.stdout.once('data', resolve);
      sub.once('exit', (code) => reject(new Error(`trivial subgraph exited ${code}`)));
    });
    const subUrl = `http://127.0.0.1:${subPort}/graphql`;

    if (opts.compareEdge) {
      await compareEdge(supergraph, subUrl, opts);
      return;
    }

    // 3. gateway (with --jwt*: a JWKS file holding a fresh ES256 key, and a token signed by it)
    const env = { TRIVIAL_URL: subUrl, ROUTER_DEDUPE: opts.dedupe ? '1' : '0', ROUTER_LOG_LEVEL: 'warn', ...edgeEnv(opts.edge) };
    const headers = {};
    if (opts.jwt) {
      const key = makeSigningKey('bench-key');
      env.JWT_JWKS_FILE = join(dir, 'jwks.json');
      writeJwks(env.JWT_JWKS_FILE, [key]);
      const now = Math.floor(Date.now() / 1000);
      if (opts.jwt === 'token') {
        headers.authorization = `Bearer ${signES256(key, claims({ exp: now + 3600, scope: 'catalog:read' }))}`;
      }
      if (opts.jwt === 'uncached') {
        // enough for ~4,000 rps over warm-up + run (signing takes ~50 µs each)
        opts.tokens = Array.from({ length: (opts.duration + opts.warmup) * 4000 }, () => signES256(key, claims({ exp: now + 3600 })));
        headers.authorization = `Bearer ${opts.tokens.pop()}`; // the probe's
      }
    }
    gateway = await startGateway({ supergraph, env });
    const probe = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: '{ ping }' }),
    }).then((r) => r.json());
    if (probe?.data?.ping !== 'pong') throw new Error(`probe through the router failed: ${JSON.stringify(probe)}`);
    const rssIdle = rssMiB(gateway.pid);

    const result = {
      node: process.version,
      connections: opts.connections,
      durationS: opts.duration,
      dedupe: opts.dedupe,
      jwt: opts.jwt ?? 'off',
      edge: opts.edge,
      gatewayStartMs: Math.round(gateway.startMs),
      gatewayRssIdleMiB: rssIdle,
    };
    if (opts.direct) {
      if (opts.warmup) await load(subUrl, { ...opts, duration: opts.warmup });
      result.direct = summary(await load(subUrl, opts));
    }
    if (opts.tokens) delete headers.authorization;
    if (opts.warmup) await load(gateway.graphqlUrl, { ...opts, headers, duration: opts.warmup });
    const cpuBefore = cpuSeconds(gateway.pid);
    result.router = summary(await load(gateway.graphqlUrl, { ...opts, headers }));
    const cpuAfter = cpuSeconds(gateway.pid);
    result.gatewayRssAfterMiB = rssMiB(gateway.pid);
    // Contention-independent figure: gateway CPU per request (the machine's 2 cores are
    // shared with the load generator and the subgraph, so rps alone under-reports).
    if (cpuBefore != null && cpuAfter != null && result.router.total) {
      result.router.gatewayCpuUsPerRequest = Math.round(((cpuAfter - cpuBefore) * 1e6) / result.router.total);
      result.router.gatewayCpuCores = Number(((cpuAfter - cpuBefore) / opts.duration).toFixed(2));
    }

    if (opts.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      console.log(
        `node ${result.node}, ${opts.connections} connections, ${opts.duration}s, dedupe ${opts.dedupe ? 'on' : 'off'}, jwt ${result.jwt}, edge ${opts.edge}`,
      );
      console.log(`gateway: ready in ${result.gatewayStartMs} ms, RSS idle ${rssIdle} MiB, after load ${result.gatewayRssAfterMiB} MiB`);
      for (const k of ['direct', 'router']) {
        const r = result[k];
        if (!r) continue;
        console.log(
          `${k.padEnd(6)}: ${r.rps} rps  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  ` +
            `(${r.total} requests, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})` +
            (r.gatewayCpuUsPerRequest ? `  gateway CPU ${r.gatewayCpuUsPerRequest} µs/request, ${r.gatewayCpuCores} cores` : ''),
        );
      }
    }
    if (result.router.non2xx || result.router.errors) process.exitCode = 1;
  } finally {
    await gateway?.stop();
    cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
