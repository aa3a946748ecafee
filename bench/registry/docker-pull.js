'use strict';
// Times `docker pull` with the real CLI and engine. A fresh DOCKER_CONFIG keeps the user's
// credentials out and ours in a temp dir; 127.0.0.0/8 registries are insecure-allowed by default.
const { spawn } = require('node:child_process');

// Far above a healthy pull of 100 MiB over loopback; a stuck pull fails the figure instead.
const DOCKER_TIMEOUT_MS = 180_000;

function docker(args, { env, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: DOCKER_TIMEOUT_MS });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`docker ${args.join(' ')} exited ${code}: ${output.trim()}`)),
    );
    child.stdin.end(input);
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Pulls `<host>/<repository>:<tag>` `repetitions` times, removing the image after each pull so
 * every pull downloads and extracts every layer; resolves with the seconds of each pull and their median.
 */
async function timeDockerPulls(target, tag, { dockerConfigDir, repetitions }) {
  const env = { ...process.env, DOCKER_CONFIG: dockerConfigDir };
  const host = new URL(target.base).host;
  const reference = `${host}/${target.repository}:${tag}`;
  if (target.dockerCredentials) {
    const { username, password } = target.dockerCredentials;
    await docker(['login', host, '--username', username, '--password-stdin'], { env, input: password });
  }
  const seconds = [];
  try {
    for (let i = 0; i < repetitions; i++) {
      const started = process.hrtime.bigint();
      await docker(['pull', '--quiet', reference], { env });
      seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      await docker(['rmi', reference], { env });
    }
  } catch (error) {
    // Leave no half-pulled image in the engine for the next run.
    await docker(['rmi', reference], { env }).catch(() => undefined);
    throw error;
  } finally {
    if (target.dockerCredentials) await docker(['logout', host], { env }).catch(() => undefined);
  }
  return { seconds, median: median(seconds) };
}

module.exports = { docker, median, timeDockerPulls };
