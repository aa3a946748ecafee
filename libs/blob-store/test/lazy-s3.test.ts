import { execFileSync } from 'node:child_process';
import path from 'node:path';

// The AWS SDK is loaded only by a process that uses S3 storage: about 9-21 MB of memory that
// standalone mode and processes on a shared volume would otherwise carry. Checked in a fresh Node
// process on the compiled package (`pnpm run build` first), since Jest has its own module registry.

const PACKAGE = path.resolve(__dirname, '..', 'dist', 'index.js');

function sdkLoadedAfter(script: string): boolean {
  const output = execFileSync(
    process.execPath,
    [
      '-e',
      `const store = require(${JSON.stringify(PACKAGE)}); ${script};
       process.stdout.write(String(Object.keys(require.cache).some((file) => file.includes('@aws-sdk'))));`,
    ],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
  );
  return output === 'true';
}

describe('the S3 adapter is loaded on first use', () => {
  it('when the package is imported and a filesystem store is made, then the AWS SDK is not loaded', () => {
    expect(sdkLoadedAfter(`store.createBlobStore({ directory: require('node:os').tmpdir() })`)).toBe(false);
  });

  it('when an S3 store is made, then the AWS SDK is loaded', () => {
    const s3 = {
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      bucket: 'b',
      accessKeyId: 'a',
      secretAccessKey: 's',
      forcePathStyle: true,
    };
    expect(sdkLoadedAfter(`store.createBlobStore({ s3: ${JSON.stringify(s3)} })`)).toBe(true);
  });
});
