// The baseline: a bare node:http server answering every request with one fixed GetSecretValue body
// and the headers `aliyun kms serve` sends. Prints its port on stdout.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

const body = process.argv[2];
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'x-acs-request-id': randomUUID() });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
