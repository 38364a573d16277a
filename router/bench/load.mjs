#!/usr/bin/env node
// One load run for the Python benchmark (bench/run.py): autocannon with keep-alive, cycling
// through the request bodies in a JSON file; prints one JSON line of results. A body with a
// `$headers` object sends those headers with that request only (e.g. one token per user); one
// with `$method: "GET"` and `$path` is a plain GET of that path (the REST shim's routes).
//
//   node bench/load.mjs <url> <bodies.json> <duration-s> <connections> [header:value ...]
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, bodiesPath, duration, connections, ...headerArgs] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(bodiesPath, 'utf8'));
const headers = { 'content-type': 'application/json', accept: 'application/json' };
for (const h of headerArgs) {
  const i = h.indexOf(':');
  headers[h.slice(0, i).toLowerCase()] = h.slice(i + 1);
}
const result = await autocannon({
  url,
  method: 'POST',
  headers,
  duration: Number(duration),
  connections: Number(connections),
  requests: bodies.map(({ $headers, $method, $path, ...body }) => ({
    method: $method ?? 'POST',
    ...($path ? { path: $path } : {}),
    ...($method === 'GET' ? {} : { body: JSON.stringify(body) }),
    ...($headers ? { headers: { ...headers, ...$headers } } : {}),
  })),
});
console.log(
  JSON.stringify({
    rps: result.requests.average,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }),
);
