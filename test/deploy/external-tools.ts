import { spawnSync } from 'node:child_process';
import { realComponentsRequired } from '@stowage/testing';

/**
 * The deployment checks shell out to real tools (docker-compose, kubectl). Like the real
 * servers in @stowage/testing, a missing tool skips the checks on a laptop but fails the run
 * when REQUIRE_REAL_COMPONENTS=1, so CI cannot pass by silently validating nothing.
 */
export interface ExternalTool {
  /** Command to run; overridable by `envOverride` (e.g. KUBECTL=/opt/k/kubectl). */
  command: string;
  envOverride: string;
  /** Arguments that make the tool print its version and exit 0. */
  versionArgs: string[];
  /** How to install it, for the failure message. */
  installHint: string;
}

export const KUBECTL: ExternalTool = {
  command: 'kubectl',
  envOverride: 'KUBECTL',
  versionArgs: ['version', '--client'],
  installHint: 'apt-get install -y kubernetes-client',
};

export const DOCKER_COMPOSE: ExternalTool = {
  command: 'docker-compose',
  envOverride: 'DOCKER_COMPOSE',
  versionArgs: ['version'],
  installHint: 'apt-get install -y docker-compose',
};

export function toolCommand(tool: ExternalTool): string {
  return process.env[tool.envOverride] || tool.command;
}

export function isToolInstalled(tool: ExternalTool): boolean {
  const result = spawnSync(toolCommand(tool), tool.versionArgs, { encoding: 'utf8', timeout: 30_000 });
  return result.error === undefined && result.status === 0;
}

export interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the tool to completion; never throws on a non-zero exit (tests assert on `status`). */
export function runTool(tool: ExternalTool, args: string[], cwd: string, env = process.env): ToolRun {
  const result = spawnSync(toolCommand(tool), args, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `describe` that needs `tool`: runs, skips, or fails with an install hint (see above). */
export function describeWithTool(tool: ExternalTool, name: string, body: () => void): void {
  if (isToolInstalled(tool)) {
    describe(name, body);
  } else if (realComponentsRequired()) {
    describe(name, () => {
      it(`when ${tool.command} is missing and REQUIRE_REAL_COMPONENTS=1, then the run fails`, () => {
        throw new Error(
          `REQUIRE_REAL_COMPONENTS=1 but \`${toolCommand(tool)}\` is not installed (${tool.installHint}), ` +
            `so the deployment files cannot be validated.`,
        );
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${tool.command} not installed)`, body);
  }
}
