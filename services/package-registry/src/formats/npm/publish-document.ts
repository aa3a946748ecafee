import { once } from 'node:events';
import type { Readable } from 'node:stream';
import Assembler from 'stream-json/Assembler';
import { parser } from 'stream-json';
import { Base64Decoder } from '../../core/base64-decoder';
import { IncompleteUploadError, InvalidPackageInputError, PackageError } from '../../core/package-errors';

/**
 * Reads npm's publish document (`PUT /:package_name`): JSON with `versions`, `dist-tags` and
 * `_attachments.<file>.data`, the tarball in base64. The document is parsed as it streams: every
 * value but the attachment's data is assembled (at most `maxMetadataBytes` of it), while the data
 * flows through base64 decoding into `sink.stage` without being held, so a tarball costs no more
 * memory than a few chunks. When the document turns out broken after the tarball was staged, the
 * staged file is handed back to `sink.discard`: a refused publish leaves nothing.
 */

export interface AttachmentSink<T> {
  /** Takes the decoded bytes of the attachment named `key` (called when its data starts). */
  stage(key: string, bytes: Readable): Promise<T>;
  /** Undoes a staged attachment the document around it refused. */
  discard(staged: T): Promise<void>;
}

export interface PublishDocument<T> {
  /** The document without the attachment's data (its `data` is ''). */
  document: Record<string, unknown>;
  attachment: { key: string; staged: T } | null;
}

interface Token {
  name: string;
  value?: string;
}

/** True when the string about to start is `_attachments.<key>.data` of the root object. */
function atAttachmentData(assembler: Assembler): boolean {
  const path = assembler.path as unknown as (string | number)[];
  return (
    assembler.depth === 3 &&
    path[0] === '_attachments' &&
    typeof path[1] === 'string' &&
    assembler.key === 'data' &&
    !Array.isArray(assembler.current)
  );
}

interface OpenAttachment<T> {
  key: string;
  decoder: Base64Decoder;
  staging: Promise<T>;
}

async function writeChunk<T>(attachment: OpenAttachment<T>, chunk: string): Promise<void> {
  const { decoder, staging } = attachment;
  if (decoder.destroyed) {
    await staging;
    throw new IncompleteUploadError('the attachment could not be stored');
  }
  if (decoder.write(chunk)) return;
  await Promise.race([
    once(decoder, 'drain'),
    staging.then(() => {
      throw new IncompleteUploadError('the attachment ended early');
    }),
  ]);
}

/** A failure while reading, in the client's terms where it is the client's. */
function readFailure(error: unknown, body: Readable): unknown {
  if (error instanceof PackageError) return error;
  const message = (error as Error | null)?.message ?? '';
  if (message.startsWith('Parser '))
    return new InvalidPackageInputError('the package document is not valid JSON');
  const code = (error as { code?: string } | null)?.code;
  if (
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    (body as { aborted?: boolean }).aborted
  ) {
    return new IncompleteUploadError();
  }
  return error;
}

export async function readPublishDocument<T>(
  body: Readable,
  options: { maxMetadataBytes: number },
  sink: AttachmentSink<T>,
): Promise<PublishDocument<T>> {
  const tokens = parser({ packKeys: true, streamKeys: false, packStrings: false, streamStrings: true });
  const onBodyError = (error: Error) => tokens.destroy(error);
  const onBodyClose = () => {
    if (!body.readableEnded) tokens.destroy(new IncompleteUploadError());
  };
  body.on('error', onBodyError);
  body.on('close', onBodyClose);
  body.pipe(tokens);

  const assembler = new Assembler();
  let text: string[] | null = null;
  let attachment: OpenAttachment<T> | null = null;
  let inAttachment = false;
  let staged: T | null = null;
  // What the assembled document holds (values and keys, a byte per token for its syntax): counted
  // as tokens are consumed, so the limit applies to memory actually used, whatever is buffered.
  let metadataSize = 0;
  try {
    for await (const token of tokens as AsyncIterable<Token>) {
      switch (token.name) {
        case 'keyValue':
          // The assembler stores keys by assignment: `__proto__` would replace an object's prototype.
          if (token.value === '__proto__')
            throw new InvalidPackageInputError('the key __proto__ is not allowed');
          assembler.consume(token);
          break;
        case 'startString':
          if (atAttachmentData(assembler)) {
            if (attachment) throw new InvalidPackageInputError('a package is published with one attachment');
            const decoder = new Base64Decoder();
            const key = (assembler.path as unknown as string[])[1]!;
            attachment = { key, decoder, staging: sink.stage(key, decoder) };
            attachment.staging.catch(() => undefined);
            inAttachment = true;
          } else {
            text = [];
          }
          break;
        case 'stringChunk':
          if (inAttachment) {
            await writeChunk(attachment!, token.value!);
          } else {
            text!.push(token.value!);
          }
          break;
        case 'endString':
          if (inAttachment) {
            inAttachment = false;
            attachment!.decoder.end();
            staged = await attachment!.staging;
            assembler.consume({ name: 'stringValue', value: '' });
          } else {
            assembler.consume({ name: 'stringValue', value: text!.join('') });
            text = null;
          }
          break;
        default:
          assembler.consume(token);
      }
      if (!inAttachment) metadataSize += 1 + (token.value?.length ?? 0);
      if (metadataSize > options.maxMetadataBytes) {
        throw new PackageError(
          413,
          `the package document is larger than the limit of ${options.maxMetadataBytes} bytes`,
        );
      }
    }
    const document: unknown = assembler.current;
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      throw new InvalidPackageInputError('the package document must be a JSON object');
    }
    return {
      document: document as Record<string, unknown>,
      attachment: attachment && staged !== null ? { key: attachment.key, staged } : null,
    };
  } catch (error) {
    body.unpipe(tokens);
    tokens.destroy();
    if (attachment) {
      if (!attachment.decoder.writableEnded) attachment.decoder.destroy(new IncompleteUploadError());
      const done = staged ?? (await attachment.staging.catch(() => null));
      if (done !== null) await sink.discard(done);
    }
    throw readFailure(error, body);
  } finally {
    body.off('error', onBodyError);
    body.off('close', onBodyClose);
  }
}
