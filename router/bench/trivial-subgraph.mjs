// The smallest federation subgraph we could write: node:http, no GraphQL library,
// canned JSON answers. It exists to measure the router's own ceiling: whatever
// rps the router reaches in front of it is the most it can ever do.
//
//   node bench/trivial-subgraph.mjs [port]      (default 4050, host 127.0.0.1)
//
// It answers `{ ping }` (whatever the router prints it as) and `{ _service { sdl } }`.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

export const TRIVIAL_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

type Query {
  ping: String!
}
`;

const PING = Buffer.from('{"data":{"ping":"pong"}}');
const SDL = Buffer.from(JSON.stringify({ data: { _service: { sdl: TRIVIAL_SDL } } }));
const BAD = Buffer.from('{"errors":[{"message":"trivial subgraph only answers { ping } and { _service { sdl } }"}]}');

export function createTrivialSubgraph() {
  return createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const out = body.includes('_service') ? SDL : body.includes('ping') ? PING : BAD;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': out.length });
      res.end(out);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? process.env.TRIVIAL_PORT ?? 4050);
  const server = createTrivialSubgraph();
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () => console.log(`trivial subgraph on http://127.0.0.1:${port}/graphql`));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}
