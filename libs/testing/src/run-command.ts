import { spawn } from 'node:child_process';

export interface CommandOptions {
  /** Written to the command's stdin, which is then closed (e.g. the secret for `--password-stdin`). */
  input?: string;
  /** Added to the environment the command gets (the runner's own variables win over these). */
  env?: Record<string, string>;
  /** The command is killed and the call rejects after this long; default 60 s. */
  timeoutMs?: number;
  /** The working directory (default: the caller's), e.g. so no project's config files apply. */
  cwd?: string;
}

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Runs `command <args>` to completion. A non-zero exit resolves (check `code`): tests assert on
 * failures too; only a timeout or a missing binary rejects. The arguments may be quoted in an
 * error message; the input may be a secret, so it never is.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: Pick<CommandOptions, 'input' | 'timeoutMs' | 'cwd'> = {},
): Promise<CommandRun> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close' rather than 'exit': by then stdout and stderr have been read to the end.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits before reading stdin makes the write fail with EPIPE; its exit code says why.
    child.stdin.once('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
