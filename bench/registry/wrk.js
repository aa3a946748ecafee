'use strict';
// Runs wrk against one URL and reads its summary.
const { execFile } = require('node:child_process');

function parseSummary(output) {
  const number = (pattern) => {
    const match = pattern.exec(output);
    return match ? Number(match[1]) : undefined;
  };
  const requestsPerSecond = number(/Requests\/sec:\s+([\d.]+)/);
  if (requestsPerSecond === undefined) throw new Error(`unexpected wrk output:\n${output}`);
  return {
    requestsPerSecond,
    requests: number(/(\d+) requests in/),
    non2xx: number(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
    socketErrors: /Socket errors:/.test(output) ? output.match(/Socket errors:.*/)[0] : undefined,
  };
}

/** `wrk -t<threads> -c<connections> -d<seconds>s` with the given headers. */
function runWrk(url, headers, { threads, connections, seconds }) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (seconds + 30) * 1000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrk failed: ${error.message}\n${stderr}`));
      try {
        resolve(parseSummary(stdout));
      } catch (parseError) {
        reject(parseError);
      }
    });
  });
}

module.exports = { runWrk };
