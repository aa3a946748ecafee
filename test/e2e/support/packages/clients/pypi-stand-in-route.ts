import { createHash } from 'node:crypto';
import Busboy from 'busboy';
import { unzipSync } from 'fflate';
import type { RecordedRequest, Route } from './recording-server';

/**
 * The least of a PyPI-compatible index that twine and pip need, for proving the toolkit before
 * the registry's PyPI endpoints exist: a twine upload (multipart POST) to any path stores the
 * file, `/simple/<normalized name>/` lists the stored files (PEP 503 HTML with `#sha256=` and
 * `data-requires-python`, and for wheels the PEP 658/714 core-metadata attributes), and
 * `/files/<file name>` serves them (`/files/<wheel>.metadata`: the wheel's METADATA).
 */
export interface PypiUpload {
  /** Every form field but the file, each with all its values (classifiers repeat). */
  fields: Record<string, string[]>;
  /** The file's form field name, its file name and its bytes. */
  fileField: string;
  fileName: string;
  content: Buffer;
}

/** PEP 503 normalisation. */
export const normalizePypiName = (name: string) => name.replace(/[-_.]+/g, '-').toLowerCase();

export function parseTwineUpload(request: RecordedRequest): Promise<PypiUpload> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string[]> = {};
    let file: Omit<PypiUpload, 'fields'> | undefined;
    // Busboy throws on a missing or non-multipart type, which rejects this promise.
    const parser = Busboy({
      headers: { ...request.headers, 'content-type': request.headers['content-type'] ?? '' },
    });
    parser.on('field', (name, value) => (fields[name] ??= []).push(value));
    parser.on('file', (fieldName, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        file = { fileField: fieldName, fileName: info.filename ?? '', content: Buffer.concat(chunks) };
      });
    });
    parser.on('error', reject);
    parser.on('close', () =>
      file ? resolve({ fields, ...file }) : reject(new Error('the upload had no file')),
    );
    parser.end(request.body);
  });
}

/** A wheel's `*.dist-info/METADATA`, which PEP 658 serves beside the wheel; undefined for an sdist. */
export function wheelMetadata(upload: PypiUpload): Buffer | undefined {
  if (!upload.fileName.endsWith('.whl')) return undefined;
  const entries = unzipSync(upload.content, {
    filter: (file) => /^[^/]+\.dist-info\/METADATA$/.test(file.name),
  });
  const [metadata] = Object.values(entries);
  return metadata ? Buffer.from(metadata) : undefined;
}

const sha256Hex = (content: Buffer) => createHash('sha256').update(content).digest('hex');

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function pypiStandInRoute(uploads: PypiUpload[] = []): Route {
  return async (request) => {
    const path = request.path.split('?')[0]!;
    if (request.method === 'POST') {
      const upload = await parseTwineUpload(request);
      uploads.push(upload);
      return { status: 200, body: 'OK' };
    }
    const listing = /^\/simple\/([^/]+)\/$/.exec(path);
    if (request.method === 'GET' && listing) {
      const files = uploads.filter((u) => normalizePypiName(u.fields.name?.[0] ?? '') === listing[1]);
      if (files.length === 0) return { status: 404, body: 'not found' };
      const links = files.map((u) => {
        const requires = u.fields.requires_python?.[0];
        const metadata = wheelMetadata(u);
        const attributes = [
          requires ? ` data-requires-python="${escapeHtml(requires)}"` : '',
          metadata ? ` data-dist-info-metadata="sha256=${sha256Hex(metadata)}"` : '',
          metadata ? ` data-core-metadata="sha256=${sha256Hex(metadata)}"` : '',
        ].join('');
        return `<a href="/files/${encodeURIComponent(u.fileName)}#sha256=${sha256Hex(u.content)}"${attributes}>${escapeHtml(u.fileName)}</a><br>`;
      });
      return {
        status: 200,
        headers: { 'Content-Type': 'text/html' },
        body: `<!DOCTYPE html><html><body>\n${links.join('\n')}\n</body></html>\n`,
      };
    }
    const download = /^\/files\/([^/]+?)(\.metadata)?$/.exec(path);
    const stored = download && uploads.find((u) => u.fileName === decodeURIComponent(download[1]!));
    const body = stored && (download[2] ? wheelMetadata(stored) : stored.content);
    if (request.method === 'GET' && body) {
      return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body };
    }
    return { status: 404, body: 'not found' };
  };
}
