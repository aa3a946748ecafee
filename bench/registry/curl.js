'use strict';
// GETs a URL with curl into /dev/null and reads curl's own account of the transfer.
const { execFile } = require('node:child_process');

/**
 * `curl -o /dev/null`: resolves with the status, the bytes received and the seconds the transfer
 * took by curl's clock (connect to last byte, so the process's own start does not count). curl
 * neither keeps nor hashes the body, so it reads faster than the registries here serve.
 */
function curlDiscarding(url, headers, timeoutMs) {
  const args = ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total}'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile('curl', args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`curl failed: ${error.message}\n${stderr}`));
      const [status, bytes, seconds] = stdout.trim().split(' ').map(Number);
      if (!(seconds > 0)) return reject(new Error(`unexpected curl output: ${stdout}`));
      resolve({ status, bytes, seconds });
    });
  });
}

module.exports = { curlDiscarding };
