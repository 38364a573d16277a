#!/usr/bin/env node
// @ts-check
// The REST shim's process: HTTP in, persisted operations to the router out.
//
//   REST_PORT          where it listens (4100)
//   REST_ROUTER_URL    the router's GraphQL endpoint (http://127.0.0.1:4000/graphql)
//
// Serves /api/… (routes.mjs), the OpenAPI document at /api/schema/, Swagger UI at /api/docs/
// (its assets from the swagger-ui-dist package, nothing from a CDN) and /health.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FormData, Pool } from 'undici';
import { MAX_BODY, compile, handler } from './app.mjs';
import { MAX_UPLOAD } from './uploads.mjs';
import { loadSchema } from './operations.mjs';
import { buildDocument } from './openapi.mjs';

const require = createRequire(import.meta.url);
const SWAGGER_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS = new Map(
  [
    ['swagger-ui.css', 'text/css'],
    ['swagger-ui-bundle.js', 'application/javascript'],
    ['swagger-ui-standalone-preset.js', 'application/javascript'],
    ['favicon-32x32.png', 'image/png'],
  ].map(([file, type]) => [file, { type, body: readFileSync(join(SWAGGER_DIR, file)) }]),
);
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Marketplace REST API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"><link rel="icon" href="/api/docs/assets/favicon-32x32.png"></head>
<body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/api/schema/', dom_id: '#ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;

/** @param {{ port?: number, routerUrl?: string }} options */
export function start({ port = Number(process.env.REST_PORT ?? 4100), routerUrl = process.env.REST_ROUTER_URL ?? 'http://127.0.0.1:4000/graphql' } = {}) {
  const schema = loadSchema();
  const routes = compile(schema);
  const openapi = JSON.stringify(buildDocument(schema));
  const target = new URL(routerUrl);
  const pool = new Pool(target.origin, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const handle = handler(routes, async (body, headers) => {
    const response = await pool.request({
      path: target.pathname,
      method: 'POST',
      headers,
      // A form (an upload) goes as it is: undici writes its multipart content type.
      body: body instanceof FormData ? body : JSON.stringify(body),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: /** @type {any} */ (response.headers), text };
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? `127.0.0.1:${port}`}`);
    const path = url.pathname;
    if (path === '/health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (path === '/api/schema/') {
      return void res.writeHead(200, { 'content-type': 'application/vnd.oai.openapi+json;version=3.1' }).end(openapi);
    }
    if (path === '/api/docs/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(DOCS_PAGE);
    if (path === '/api/docs/init.js') return void res.writeHead(200, { 'content-type': 'application/javascript' }).end(DOCS_INIT);
    if (path.startsWith('/api/docs/assets/')) {
      const asset = ASSETS.get(path.slice('/api/docs/assets/'.length));
      if (asset) return void res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' }).end(asset.body);
    }
    /** @type {Buffer[]} */
    const chunks = [];
    const form = (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
    const limit = form ? MAX_UPLOAD : MAX_BODY;
    let size = 0;
    let refused = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        if (!refused) {
          refused = true;
          res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ detail: 'Request body too large.' }));
        }
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      /** @type {Record<string, string | undefined>} */
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const raw = chunks.length ? Buffer.concat(chunks) : undefined;
      // A form's bytes stay bytes (files); anything else is JSON text.
      const body = raw && !form ? raw.toString('utf8') : undefined;
      handle({ method: req.method ?? 'GET', url, headers, body, raw, clientIp: req.socket.remoteAddress })
        .then((reply) => {
          const text = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
          res.writeHead(reply.status, reply.headers).end(req.method === 'HEAD' ? undefined : text);
        })
        .catch(() => {
          res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' }).end(JSON.stringify({ detail: 'The API is unavailable; retry shortly.', code: 'SERVICE_UNAVAILABLE' }));
        });
    });
    req.on('error', () => res.destroy());
  });
  server.keepAliveTimeout = 30_000;
  server.listen(port, '127.0.0.1', () => console.log(`rest: listening on http://127.0.0.1:${port}/api/ (router ${routerUrl})`));
  return { server, close: async () => { server.close(); await pool.close(); } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const running = start();
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void running.close().then(() => process.exit(0)));
}
