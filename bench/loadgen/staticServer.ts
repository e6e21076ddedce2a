// The floor for bench:feed: a plain Node `http` server in its own process that answers every request with the
// same feed-sized JSON body (argv[2]: a file holding it). The same load generator against it, in the same run,
// measures what loopback HTTP and the client cost on this machine at that moment; the feed's figures are then
// reported as ratios to it (absolute times here move by 1.5x between runs).
import fs from 'node:fs';
import http from 'node:http';

const body = fs.readFileSync(process.argv[2]!);
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
