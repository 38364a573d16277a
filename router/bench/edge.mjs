#!/usr/bin/env node
// What the edge's own work costs, without HTTP around it (router/limits.ts, cost.ts, rate-limit.ts).
//
//   node --import ./test/ts-hooks.mjs bench/edge.mjs --query-file F [--duration 5] [--concurrency 64] [--callers 1000] [--json]
//
// rules: µs to parse + measure + estimate the document in F (make bench passes the storefront
//   listing of bench/scenarios.py) against the real supergraph, and to cost a 20-product
//   response shaped like that listing's (products.edges.node with variants and images).
// limiter: RateLimiter.spend decisions per second. `redis`: against REDIS_URL (one Lua script
//   per decision, as the router makes them) with `concurrency` in flight from one process over
//   `callers` buckets; `serial`: one at a time (the latency a request pays); `local`: the
//   in-process fallback used while Redis is down (a dead URL).
import { readFileSync } from 'node:fs';
import { buildASTSchema, parse } from 'graphql';
import { actualCost, estimateCost } from '../cost.ts';
import { measure as measureLimits, parseWithin } from '../limits.ts';
import { RateLimiter } from '../rate-limit.ts';


function storefrontResponse() {
  const money = { amount: 1999, currency: 'USD' };
  const node = (i) => ({
    id: `p${i}`, title: 'T', slug: 's', priceRange: { min: money, max: money }, brand: { id: 'b', name: 'B' },
    category: { id: 'c', name: 'C', slug: 'c' },
    variants: Array.from({ length: 3 }, (_, v) => ({ id: `v${v}`, sku: 's', title: 't', price: money, options: [{ name: 'n', value: 'v' }] })),
    images: Array.from({ length: 2 }, () => ({ url: 'u', alt: 'a', position: 0 })),
  });
  return { products: { edges: Array.from({ length: 20 }, (_, i) => ({ cursor: 'c', node: node(i) })), pageInfo: { hasNextPage: true, endCursor: 'c' } } };
}

function timeRules(query, iterations = 5000) {
  const sdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
  const schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
  const variables = { first: 20, after: null };
  const data = storefrontResponse();
  const time = (fn) => {
    for (let i = 0; i < 200; i++) fn();
    const started = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    return Number((((performance.now() - started) * 1000) / iterations).toFixed(1));
  };
  const document = parse(query);
  let first = 0;
  return {
    parseAndMeasureUs: time(() => measureLimits(parseWithin(query, 4000))),
    // A new `first` every time: the remembered estimates (64 per document) never answer.
    estimateUs: time(() => estimateCost(schema, document, 'Storefront', { first: 1 + (first++ % 100_000), after: null })),
    estimateRememberedUs: time(() => estimateCost(schema, document, 'Storefront', variables)),
    actualUs: time(() => actualCost(schema, document, 'Storefront', variables, data)),
    estimate: estimateCost(schema, document, 'Storefront', variables),
    actualOfSample: actualCost(schema, document, 'Storefront', variables, data),
  };
}

function parseArgs(argv) {
  const o = { duration: 5, concurrency: 64, callers: 1000, json: false, queryFile: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--duration') o.duration = Number(argv[++i]);
    else if (a === '--concurrency') o.concurrency = Number(argv[++i]);
    else if (a === '--callers') o.callers = Number(argv[++i]);
    else if (a === '--json') o.json = true;
    else if (a === '--query-file') o.queryFile = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.queryFile) throw new Error('--query-file is required (the operation to cost, named Storefront)');
  return o;
}

async function measure(limiter, { duration, concurrency, callers }) {
  const policy = { capacity: 1_000_000_000, restoreRate: 1_000_000 };
  const latencies = [];
  let decisions = 0;
  let degraded = 0;
  const deadline = performance.now() + duration * 1000;
  const worker = async (w) => {
    let i = w;
    while (performance.now() < deadline) {
      const started = performance.now();
      const decision = await limiter.spend(`bench:${i++ % callers}`, 10, policy);
      latencies.push(performance.now() - started);
      decisions += 1;
      if (decision.degraded) degraded += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(3));
  return { decisionsPerSecond: Math.round(decisions / seconds), p50Ms: at(0.5), p99Ms: at(0.99), degraded };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set (make bench runs this inside the bench stack)');
  const redis = new RateLimiter(url, 'closed', `bench-ratelimit:${process.pid}:`);
  if (!(await redis.ready())) throw new Error(`Redis at ${url} is not answering`);
  const local = new RateLimiter('redis://127.0.0.1:9/0', 'local', 'bench:');
  try {
    await measure(redis, { ...opts, duration: 1 }); // warm-up
    const result = {
      concurrency: opts.concurrency,
      callers: opts.callers,
      rules: timeRules(readFileSync(opts.queryFile, 'utf8')),
      redis: await measure(redis, opts),
      serial: await measure(redis, { ...opts, concurrency: 1, duration: Math.min(2, opts.duration) }),
      local: await measure(local, { ...opts, duration: Math.min(2, opts.duration) }),
    };
    if (result.redis.degraded) throw new Error(`${result.redis.degraded} decisions fell back: Redis was not answering`);
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(`rules: ${JSON.stringify(result.rules)}`);
      for (const k of ['redis', 'serial', 'local']) {
        const r = result[k];
        console.log(`${k.padEnd(5)}: ${r.decisionsPerSecond} decisions/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms`);
      }
    }
  } finally {
    redis.close();
    local.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
