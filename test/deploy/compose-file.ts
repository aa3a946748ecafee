import { parse } from 'yaml';

/**
 * The subset of `docker-compose config` output (anchors merged, variables interpolated) that
 * the structural checks read.
 */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: ({ published?: number | string; target?: number | string } | string)[];
  expose?: (string | number)[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  restart?: string;
}

export interface ComposeProject {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function parseComposeConfig(text: string): ComposeProject {
  return parse(text) as ComposeProject;
}

/** `command` as one string, whichever form compose printed it in. */
export function commandLine(service: ComposeService): string {
  const command = service.command ?? [];
  return Array.isArray(command) ? command.join(' ') : command;
}

/** Published host ports as "host:container" strings (compose v1 and v2 print the long form). */
export function publishedPorts(service: ComposeService): string[] {
  return (service.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.published}:${p.target}`));
}

export function dependencyCondition(service: ComposeService, dependency: string): string | undefined {
  const dependsOn = service.depends_on;
  if (dependsOn === undefined) return undefined;
  if (Array.isArray(dependsOn)) return dependsOn.includes(dependency) ? 'service_started' : undefined;
  return dependsOn[dependency]?.condition;
}
