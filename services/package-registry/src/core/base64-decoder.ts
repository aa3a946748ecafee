import { Transform, type TransformCallback } from 'node:stream';
import { InvalidPackageInputError } from './package-errors';

const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes base64 text written in pieces of any length (a JSON string arriving chunk by chunk, as
 * npm's publish document carries its tarball) into bytes as it flows, so the decoded file is
 * never held whole. Characters outside standard base64 fail the stream with
 * InvalidPackageInputError; a tail that is not a whole quantum fails it at the end.
 */
export class Base64Decoder extends Transform {
  /** Characters of an incomplete 4-character quantum, kept until the next piece completes it. */
  private pending = '';
  private padded = false;

  constructor() {
    super({ writableObjectMode: true });
  }

  override _transform(chunk: string | Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.pending + (typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
    if (!BASE64_TEXT.test(text) || (this.padded && text.length > 0)) {
      callback(new InvalidPackageInputError('attachment data is not base64'));
      return;
    }
    const whole = text.length - (text.length % 4);
    this.pending = text.slice(whole);
    if (whole === 0) {
      callback();
      return;
    }
    const quanta = text.slice(0, whole);
    // Padding may only close the text: nothing can follow a quantum that ends in `=`.
    if (quanta.endsWith('=')) this.padded = true;
    callback(null, Buffer.from(quanta, 'base64'));
  }

  override _flush(callback: TransformCallback): void {
    if (this.pending.length > 0) {
      callback(new InvalidPackageInputError('attachment data is not whole base64'));
      return;
    }
    callback();
  }
}
