import { Readable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { STORED_BODY_HEADER, STORED_BODY_OFFER_HEADER, storedBodyOf } from '@stowage/http';
import { sendBlob, type SendBlobOptions } from './send-blob';

const BYTES = Buffer.from('0123456789abcdefghij');
const BLOB = { digest: 'sha256:feed', size: BYTES.length };
const KEY = 'registry/blobs/sha256/fe/feed';

/** An app that sends BLOB with `options`, and counts how often storage was opened. */
function appSending(options: SendBlobOptions) {
  const opened: Array<{ start: number; end: number } | undefined> = [];
  const app = express();
  app.all('/blob', async (req, res) => {
    await sendBlob(
      req,
      res,
      BLOB,
      async (range) => {
        opened.push(range);
        return Readable.from([range ? BYTES.subarray(range.start, range.end + 1) : BYTES]);
      },
      options,
    );
  });
  return { app, opened };
}

describe('sendBlob', () => {
  it('when the gateway offers to send stored bodies, then the answer names the object and carries no bytes', async () => {
    const { app, opened } = appSending({ storedKey: KEY });

    const res = await request(app).get('/blob').set(STORED_BODY_OFFER_HEADER, '1');

    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['docker-content-digest']).toBe(BLOB.digest);
    expect(storedBodyOf(res.headers)).toEqual({ key: KEY, start: 0, length: BLOB.size });
    expect(opened).toEqual([]);
  });

  it('when the offered request asks for a range, then the answer is a 206 naming those bytes', async () => {
    const { app } = appSending({ storedKey: KEY });

    const res = await request(app).get('/blob').set(STORED_BODY_OFFER_HEADER, '1').set('Range', 'bytes=5-9');

    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 5-9/${BLOB.size}`);
    expect(storedBodyOf(res.headers)).toEqual({ key: KEY, start: 5, length: 5 });
  });

  it('when nothing is offered, or the caller gives no key, then the bytes are streamed as before', async () => {
    const withKey = appSending({ storedKey: KEY });
    const withoutKey = appSending({});

    const plain = await request(withKey.app).get('/blob').buffer(true);
    const offeredWithoutKey = await request(withoutKey.app)
      .get('/blob')
      .set(STORED_BODY_OFFER_HEADER, '1')
      .buffer(true);

    for (const res of [plain, offeredWithoutKey]) {
      expect(res.headers[STORED_BODY_HEADER]).toBeUndefined();
      expect(res.headers['content-length']).toBe(String(BLOB.size));
      expect(Buffer.from(res.body as Buffer).equals(BYTES)).toBe(true);
    }
  });

  it('when the offered request is a HEAD, then it answers the size and names nothing', async () => {
    const { app, opened } = appSending({ storedKey: KEY });

    const res = await request(app).head('/blob').set(STORED_BODY_OFFER_HEADER, '1');

    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(BLOB.size));
    expect(res.headers[STORED_BODY_HEADER]).toBeUndefined();
    expect(opened).toEqual([]);
  });
});
