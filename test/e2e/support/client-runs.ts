import type { CommandRun } from '@stowage/testing';

/**
 * Checks on runs of the real container clients (docker, podman, buildah, skopeo) whose failures
 * say which command failed and everything it printed, since that is where the cause shows.
 */

/** Returns the run when it exited 0; otherwise throws with the command and its output. */
export function succeeded(run: CommandRun, command: string): CommandRun {
  if (run.code !== 0) {
    throw new Error(
      `${command} exited with ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`,
    );
  }
  return run;
}

/** Returns the run when it exited non-zero; otherwise throws with the command and its output. */
export function failed(run: CommandRun, command: string): CommandRun {
  if (run.code === 0) {
    throw new Error(`${command} succeeded but should have failed\n--- stdout ---\n${run.stdout}`);
  }
  return run;
}

const PUSHED_DIGEST = /: digest: (sha256:[0-9a-f]{64}) size: \d+/;

/** The manifest digest `docker push` reports (`<tag>: digest: sha256:... size: N`). */
export function pushedDigest(run: CommandRun): string {
  const match = PUSHED_DIGEST.exec(run.stdout);
  if (!match) throw new Error(`docker push printed no manifest digest:\n${run.stdout}`);
  return match[1]!;
}

/** The last `sha256:...` a command printed (e.g. `docker manifest push`, `docker build -q`). */
export function lastDigest(output: string): string {
  const digests = output.match(/sha256:[0-9a-f]{64}/g);
  if (!digests) throw new Error(`no sha256 digest in the output:\n${output}`);
  return digests[digests.length - 1]!;
}
