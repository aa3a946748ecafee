import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import type { BlobStore } from '@stowage/blob-store';
import { discardStaged, stageFile, type StagedFile } from '../../core/file-staging';
import type { PackageLimits } from '../../core/package-context';
import {
  FileTooLargeError,
  IncompleteUploadError,
  InvalidPackageInputError,
} from '../../core/package-errors';

/**
 * twine's upload, a multipart/form-data body: text fields (`name`, `version`, digests, core
 * metadata) and one file part `content`. The file streams straight into staging while the body is
 * parsed; the fields, together, may not pass the metadata limit. A malformed body, a second file,
 * or a missing one is refused and leaves nothing staged.
 */

export interface UploadForm {
  /** Every text field by name; repeated fields (classifiers) keep each value. */
  fields: Map<string, string[]>;
  fileName: string;
  staged: StagedFile;
}

/** The file part's field name, as twine and GitLab call it. */
const FILE_FIELD = 'content';
/** More fields than any metadata version has (repeated classifiers included), so a flood is refused early. */
const MAX_FIELDS = 1000;

export function firstField(form: UploadForm, name: string): string | undefined {
  return form.fields.get(name)?.[0];
}

interface Parsed {
  fields: Map<string, string[]>;
  file?: { name: string; staging: Promise<StagedFile> };
}

function parserFor(headers: IncomingHttpHeaders, limits: PackageLimits) {
  const type = headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    throw new InvalidPackageInputError('the upload must be multipart/form-data');
  }
  try {
    return busboy({
      headers,
      // The file name as sent, so `../x` or `/x` is refused rather than quietly cut to its last segment.
      preservePath: true,
      limits: { fieldSize: limits.maxMetadataBytes, fields: MAX_FIELDS, files: 1, fieldNameSize: 200 },
    });
  } catch (error) {
    throw new InvalidPackageInputError(`multipart body is malformed: ${(error as Error).message}`);
  }
}

/** Reads the form from `body`; the file is staged under the metadata and file limits of `limits`. */
export async function readUploadForm(
  blobs: BlobStore,
  headers: IncomingHttpHeaders,
  body: Readable,
  limits: PackageLimits,
): Promise<UploadForm> {
  const parser = parserFor(headers, limits);
  const parsed: Parsed = { fields: new Map() };
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
  };
  let fieldBytes = 0;
  // The file part being staged: a body that breaks off never ends it, so it is ended below.
  let part: PassThrough | undefined;

  const finished = new Promise<void>((resolve) => {
    parser.on('field', (name, value, info) => {
      fieldBytes += name.length + value.length;
      if (info.valueTruncated || info.nameTruncated || fieldBytes > limits.maxMetadataBytes) {
        fail(new InvalidPackageInputError(`form fields are larger than ${limits.maxMetadataBytes} bytes`));
        return;
      }
      parsed.fields.set(name, [...(parsed.fields.get(name) ?? []), value]);
    });
    parser.on('file', (name, stream, info) => {
      if (name !== FILE_FIELD || parsed.file) {
        stream.resume();
        fail(
          new InvalidPackageInputError(`unexpected file part "${name}": send one file as "${FILE_FIELD}"`),
        );
        return;
      }
      // Busboy ends the part with an error when the body stops inside it: that is the client's
      // broken upload, so staging sees it as one.
      const filePart = new PassThrough();
      part = filePart;
      stream.on('error', () =>
        filePart.destroy(new IncompleteUploadError('the multipart body ended inside the file')),
      );
      stream.pipe(filePart);
      const staging = stageFile(blobs, filePart, { maxBytes: limits.maxFileBytes });
      // Settled below; a refusal mid-body (too large) must not wait for a body we will not read.
      staging.catch((error: unknown) => {
        fail(error);
        resolve();
      });
      parsed.file = { name: info.filename ?? '', staging };
    });
    parser.on('filesLimit', () =>
      fail(new InvalidPackageInputError('only one file may be uploaded at a time')),
    );
    parser.on('fieldsLimit', () => fail(new InvalidPackageInputError(`more than ${MAX_FIELDS} form fields`)));
    parser.on('error', (error: Error) => {
      fail(new InvalidPackageInputError(`multipart body is malformed: ${error.message}`));
      resolve();
    });
    parser.on('close', () => resolve());
    body.on('error', () => {
      fail(new IncompleteUploadError());
      resolve();
    });
    body.on('aborted', () => {
      fail(new IncompleteUploadError());
      resolve();
    });
  });
  body.pipe(parser);
  await finished;
  // Refused, or the body broke off (busboy may start the file part after that): whatever is being
  // staged will not be used, so its stream is ended here rather than left waiting for bytes.
  if (failure !== undefined) part?.destroy(new IncompleteUploadError());

  const staged = parsed.file ? await parsed.file.staging.catch((error: unknown) => fail(error)) : undefined;
  if (failure !== undefined) {
    body.unpipe(parser);
    if (staged) await discardStaged(blobs, staged);
    throw failure;
  }
  if (!parsed.file || !staged) throw new InvalidPackageInputError(`${FILE_FIELD} is missing`);
  return { fields: parsed.fields, fileName: parsed.file.name, staged };
}

/** Refuses at once a body announced larger than a file and its metadata can be. */
export function refuseOversizedBody(contentLength: number | undefined, limits: PackageLimits): void {
  if (contentLength !== undefined && contentLength > limits.maxFileBytes + limits.maxMetadataBytes) {
    throw new FileTooLargeError(limits.maxFileBytes);
  }
}
