'use strict';
// Starting and stopping the servers under test, and reading their memory from /proc.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

/** A loopback port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns a server and keeps the tail of what it prints, for the error message when it fails.
 * The child is killed if this process exits first, so a crashed benchmark leaves nothing behind.
 */
function startServer(command, args, options) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-4000));
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let exited = false;
  const exit = new Promise((resolve) =>
    child.once('close', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    pid: child.pid,
    /** What the server prints (utf8), for a caller that reads its log. */
    stdout: child.stdout,
    stderr: child.stderr,
    hasExited: () => exited,
    describe: () => `${command} ${args.join(' ')} (pid ${child.pid}) printed:\n${output}`,
    /** SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 15_000) {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      process.off('exit', killOnExit);
    },
  };
}

/** Polls `check` (resolving true when done) until it succeeds, the server exits, or time runs out. */
async function waitUntilReady(server, check, { timeoutMs, what }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.hasExited()) throw new Error(`${what} exited while starting; ${server.describe()}`);
    try {
      if (await check()) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms; ${server.describe()}`);
}

/** Resident and peak resident memory (VmRSS, VmHWM) of a process, in MB. */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)[1]) / 1024;
  return { rssMb: mb('VmRSS'), peakMb: mb('VmHWM') };
}

/**
 * Resets the kernel's peak (VmHWM) to the current RSS so the next reading is the peak of one
 * figure. Writing 5 to clear_refs is allowed for our own children; where it is not, the next
 * reading is the peak since start instead, which is still an upper bound.
 */
function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The direct children of `pid`, each with its command line (arguments joined by spaces). */
function childProcesses(pid) {
  const children = [];
  // A child is listed under the thread that forked it, so read every thread's list.
  for (const thread of fs.readdirSync(`/proc/${pid}/task`)) {
    const listed = fs.readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim();
    for (const child of listed ? listed.split(/\s+/).map(Number) : []) {
      try {
        const command = fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').filter(Boolean);
        children.push({ pid: child, command: command.join(' ') });
      } catch {
        // exited between the two reads
      }
    }
  }
  return children;
}

module.exports = { freePort, startServer, waitUntilReady, memoryOf, resetPeak, childProcesses };
