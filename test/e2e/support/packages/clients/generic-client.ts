import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRun } from '@stowage/testing';
import type { ClientAuth } from './client-auth';
import type { ClientHome } from './client-home';

/**
 * Generic packages with curl, the client GitLab's documentation uses for them:
 * `curl --header "PRIVATE-TOKEN: ..." --upload-file <file> <url>` and a plain GET to download.
 */
export interface CurlResult {
  run: CommandRun;
  /** The HTTP status of the (last) response; 0 when curl got none. */
  status: number;
  /** The response body (for a download, the downloaded bytes). */
  body: Buffer;
}

function authArgs(auth: ClientAuth): string[] {
  if (auth === 'anonymous') return [];
  if ('header' in auth) return ['--header', `${auth.header}: ${auth.token}`];
  return ['--user', `${auth.username}:${auth.password}`];
}

async function curl(home: ClientHome, args: readonly string[], auth: ClientAuth): Promise<CurlResult> {
  const output = path.join(home.dir, `curl-${process.hrtime.bigint()}.out`);
  await writeFile(output, '');
  const run = await home.run('curl', [
    // No ~/.curlrc (only read when --disable is not the first argument) and no proxy from the
    // environment: only the URL given is contacted.
    '--disable',
    '--noproxy',
    '*',
    '--silent',
    '--show-error',
    '--output',
    output,
    '--write-out',
    '%{http_code}',
    ...authArgs(auth),
    ...args,
  ]);
  return { run, status: Number(run.stdout.trim()) || 0, body: await readFile(output) };
}

/** `curl --upload-file <file> <url>` (a PUT); `url` carries any query (`?status=hidden&select=package_file`). */
export function genericUpload(
  home: ClientHome,
  url: string,
  file: string,
  auth: ClientAuth,
): Promise<CurlResult> {
  return curl(home, ['--upload-file', file, url], auth);
}

/** `curl <url>`: the file's bytes in `body` (following no redirects, so a redirect shows as its status). */
export function genericDownload(home: ClientHome, url: string, auth: ClientAuth): Promise<CurlResult> {
  return curl(home, [url], auth);
}
