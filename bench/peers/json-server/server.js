// json-server 0.17 peer for bench/run.
//
// Usage: node server.js DB_JSON [PORT] [HOST]
//
// The same setup as the json-server CLI (CORS, gzip when asked, static
// folder, no-cache headers, lowdb file storage that rewrites DB_JSON on
// every write) minus the request logger, since no contender logs requests.
// json-server validates nothing: every POST/PUT body is stored as sent.
//
// The benchmark's list workload uses the spec's ?limit=&offset=; json-server
// spells these _limit and _start, so a small middleware renames them
// (otherwise json-server would treat them as field filters and answer []).
//
// PORT 0 (the default) picks an ephemeral port. When ready it writes
// `listening on http://HOST:PORT` to stderr, the line bench/run waits for.
'use strict';

const jsonServer = require('json-server');

const [dbFile, portArg = '0', host = '127.0.0.1'] = process.argv.slice(2);
if (!dbFile) {
  console.error('usage: node server.js DB_JSON [PORT] [HOST]');
  process.exit(2);
}

const server = jsonServer.create();
server.use(jsonServer.defaults({ logger: false }));
server.use((req, res, next) => {
  const q = req.query;
  if (q && q.limit !== undefined) { q._limit = q.limit; delete q.limit; }
  if (q && q.offset !== undefined) { q._start = q.offset; delete q.offset; }
  next();
});
server.use(jsonServer.router(dbFile));

const version = require('json-server/package.json').version;
const listener = server.listen(Number(portArg), host, () => {
  const { port } = listener.address();
  console.error(`listening on http://${host}:${port} (json-server ${version}, node ${process.version})`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
