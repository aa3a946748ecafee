'use strict';
// Runs s3rver, a real S3 HTTP server, in a process of its own for tests (see src/s3-server.ts).
// Usage: node s3rver-process.js <data directory> <bucket>. Listens on 127.0.0.1, port chosen by the
// OS, creates the bucket, then prints `{"port":N}` on one stdout line. It exits when its stdin
// closes, so it never outlives the test process that started it, however that one ends.
//
// s3rver-patches.js patches five s3rver 3.7 bugs so that the server behaves like S3 where our
// adapters depend on it.
const S3rver = require('s3rver');
const { multipartUploadsMiddleware } = require('./s3rver-patches');

const [directory, bucket] = process.argv.slice(2);
if (!directory || !bucket) {
  console.error('usage: node s3rver-process.js <directory> <bucket>');
  process.exit(2);
}

async function main() {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  server.middleware.unshift(multipartUploadsMiddleware(server));
  const { port } = await server.run();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
  process.on('SIGTERM', () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
