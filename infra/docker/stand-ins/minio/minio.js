#!/usr/bin/env node
'use strict';
// `minio server <dir> [--address :9000] [--console-address ...]` of the MinIO stand-in: s3rver,
// with the project's patches (s3rver-patches.js), on 0.0.0.0:9000, storing in <dir>. It accepts
// any credentials: it has one account, which every access key maps to, and checks no signature.
// No console is served. S3RVER_LOG=1 logs every request.
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');
const { multipartUploadsMiddleware } = require('./s3rver-patches');

function fail(message) {
  console.error(`minio (stand-in): ${message}`);
  process.exit(2);
}

const [command, ...args] = process.argv.slice(2);
if (command !== 'server')
  fail(`"${[command, ...args].join(' ')}" is not supported by the stand-in (only "server <dir>")`);
let directory;
let address = ':9000';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--address') address = args[++i];
  else if (args[i] === '--console-address')
    i++; // no console in the stand-in
  else if (args[i].startsWith('-') || directory) fail(`"${args[i]}" is not supported by the stand-in`);
  else directory = args[i];
}
if (!directory) fail('usage: minio server <dir> [--address host:port] [--console-address host:port]');
const [, host, port] = /^(.*):(\d+)$/.exec(address || '') || fail(`--address "${address}" is not host:port`);

const lookup = AWSAccount.registry.get.bind(AWSAccount.registry);
AWSAccount.registry.get = (accessKeyId) => lookup(accessKeyId) || AWSAccount.DUMMY_ACCOUNT;

const server = new S3rver({
  address: host || '0.0.0.0',
  port: Number(port),
  directory,
  silent: process.env.S3RVER_LOG !== '1',
  vhostBuckets: false,
  allowMismatchedSignatures: true,
});
server.middleware.unshift(multipartUploadsMiddleware(server));
server.run().then(
  ({ address: listening, port: bound }) =>
    console.log(`minio (stand-in, s3rver): serving ${directory} on ${listening}:${bound}`),
  (error) => fail(error.message),
);

// PID 1 in a container: without handlers, SIGTERM/SIGINT would be ignored.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    setTimeout(() => process.exit(0), 3000).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
    server.httpServer.closeIdleConnections();
  });
}
