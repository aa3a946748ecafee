'use strict';
// Five s3rver 3.7 bugs, patched so that the server behaves like S3 where Stowage's adapters depend
// on it; each patch names the S3 behaviour it restores. Used by s3rver-process.js (tests) and by
// the MinIO stand-in image (infra/docker/stand-ins/minio), whose build copies this file.
//
// Requiring this file patches s3rver's modules (1-3, 5); multipartUploadsMiddleware(server) (4) must
// then go first in each server's middleware: `server.middleware.unshift(...)` before run().
const { Buffer } = require('node:buffer');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Transform } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const S3Error = require('s3rver/lib/models/error');
const FilesystemStore = require('s3rver/lib/stores/filesystem');
const objectController = require('s3rver/lib/controllers/object');

// 1. `Range: bytes=0-0` must return one byte. s3rver reads the end as `options.end || Infinity`,
//    so an end of 0 returned the whole object.
const originalGetObject = FilesystemStore.prototype.getObject;
FilesystemStore.prototype.getObject = async function getObject(bucketName, key, options) {
  const object = await originalGetObject.call(this, bucketName, key, options);
  if (!object || !object.content || !options || options.start !== 0 || options.end !== 0) return object;
  object.content.destroy();
  object.content = fs.createReadStream(this.getResourcePath(bucketName, key, 'object'), { start: 0, end: 0 });
  object.range = { start: 0, end: 0 };
  return object;
};

// 2. Listings must be in UTF-8 key order. s3rver walks its folders, which puts `a/b/c` before
//    `a/b` and `a/b-x`; it also truncates pages in walk order. List everything, sort, then page.
const originalListObjects = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function listObjects(bucketName, options) {
  const maxKeys = options.maxKeys === undefined ? Infinity : options.maxKeys;
  const result = await originalListObjects.call(this, bucketName, {
    ...options,
    startAfter: '',
    maxKeys: Infinity,
  });
  const startAfter = Buffer.from(options.startAfter || '');
  const objects = result.objects
    .filter((object) => Buffer.compare(Buffer.from(object.key), startAfter) > 0)
    .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  return { ...result, objects: objects.slice(0, maxKeys), isTruncated: objects.length > maxKeys };
};

// 3. CopyObject's `x-amz-copy-source` is URL-encoded (the SDKs encode `+` as %2B). s3rver decodes it
//    with decodeURI, which leaves %2B, %2F, %3F... encoded, so keys with such characters were not
//    found. Hand it a header that decodeURI reads right; this runs after the signature check.
const originalPutObjectCopy = objectController.putObjectCopy;
objectController.putObjectCopy = function putObjectCopy(ctx) {
  ctx.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(ctx.headers['x-amz-copy-source']));
  return originalPutObjectCopy(ctx);
};

// 5. PutObject is all or nothing: S3 stores a body only once all of it (its Content-Length) has
//    arrived. s3rver wrote straight into the object's file, never finished when the client
//    aborted, and kept what had arrived. Write a temporary file, check its length, then rename.
const originalStorePutObject = FilesystemStore.prototype.putObject;
FilesystemStore.prototype.putObject = async function putObject(object) {
  if (Buffer.isBuffer(object.content)) return originalStorePutObject.call(this, object);
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  fs.mkdirSync(path.dirname(objectPath), { recursive: true });
  const partial = `${objectPath}.partial-${crypto.randomUUID()}`;
  const md5 = crypto.createHash('md5');
  let size = 0;
  const counter = new Transform({
    transform(chunk, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    await pipeline(object.content, counter, fs.createWriteStream(partial));
    // The request's own headers (s3rver hands the store the request itself, unless it decodes a
    // chunk-signed body, whose decoded length S3 sends as x-amz-decoded-content-length).
    const headers = object.content.headers || {};
    const announced = headers['x-amz-decoded-content-length'] ?? headers['content-length'];
    if (announced !== undefined && Number(announced) !== size) {
      throw new S3Error(
        'IncompleteBody',
        'You did not provide the number of bytes specified by the Content-Length HTTP header.',
      );
    }
    fs.renameSync(partial, objectPath);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  const digest = md5.digest('hex');
  await this.putMetadata(object.bucket, object.key, object.metadata, digest);
  return { size, md5: digest };
};

function sendNoSuchUpload(ctx) {
  ctx.status = 404;
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code>' +
    '<Message>The specified upload does not exist.</Message></Error>';
}

// 4. Multipart uploads: s3rver has no AbortMultipartUpload (DELETE ?uploadId answers 405), accepts
//    parts for unknown uploads, and fails completion of an unknown upload with a 500. S3 answers
//    NoSuchUpload (404) to all three; an abort removes the parts. This runs before s3rver's own
//    middleware (and so before its signature check, which neither a test server nor the
//    stand-in needs).
function multipartUploadsMiddleware(server) {
  return async (ctx, next) => {
    const match = /^\/([^/]+)\/.+/.exec(ctx.path);
    if (!match || typeof ctx.query.uploadId !== 'string') return next();
    const uploadId = ctx.query.uploadId;
    const uploadDirectory = path.join(server.store.getResourcePath(match[1], undefined, 'uploads'), uploadId);
    if (!/^[0-9a-f]+$/.test(uploadId) || !fs.existsSync(uploadDirectory)) return sendNoSuchUpload(ctx);
    if (ctx.method !== 'DELETE') return next();
    fs.rmSync(uploadDirectory, { recursive: true, force: true });
    ctx.status = 204;
  };
}

module.exports = { multipartUploadsMiddleware };
