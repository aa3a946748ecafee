import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { CommandRun } from '@stowage/testing';
import type { ClientAuth } from './client-auth';
import type { ClientHome } from './client-home';
import {
  writeConsumerProject,
  writeMavenSettings,
  writeProducerProject,
  type MavenCoordinates,
} from './maven-files';

/**
 * `mvn deploy` and dependency resolution with the real Maven 3.8 client, as a user runs them
 * against the registry: credentials in settings.xml, repositories in the POM.
 */

/** Debian 12's maven-dependency-plugin; pinned because Debian's repository has no plugin metadata to pick one. */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.5.0';

export interface MavenDeployOptions extends MavenCoordinates {
  repoUrl: string;
  /** Where SNAPSHOT versions go; default `repoUrl`. */
  snapshotRepoUrl?: string;
  auth: ClientAuth;
  /** The content of the jar's one resource; differs per build so each upload is distinguishable. */
  resourceText?: string;
}

function mvn(home: ClientHome, settingsFile: string, localRepo: string, args: readonly string[]) {
  return home.run('mvn', ['--batch-mode', '-s', settingsFile, `-Dmaven.repo.local=${localRepo}`, ...args], {
    timeoutMs: 180_000,
    // A short-lived build spends most of its time compiling Maven itself; C1 alone starts faster.
    env: { MAVEN_OPTS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' },
  });
}

/**
 * Writes a jar project into `projectDir` (replacing its POM) and runs `mvn deploy`. The deploy's
 * own plugins come from Debian's repository through the home's local repository.
 */
export async function mvnDeploy(
  home: ClientHome,
  projectDir: string,
  options: MavenDeployOptions,
): Promise<CommandRun> {
  await writeProducerProject(projectDir, {
    ...options,
    resourceText: options.resourceText ?? `${options.groupId}:${options.artifactId}:${options.version}\n`,
  });
  const settings = path.join(projectDir, 'settings.xml');
  await writeMavenSettings(settings, options.auth);
  return mvn(home, settings, path.join(home.dir, '.m2', 'repository'), [
    '-f',
    path.join(projectDir, 'pom.xml'),
    'deploy',
  ]);
}

export interface MavenResolveOptions extends MavenCoordinates {
  repoUrl: string;
  auth: ClientAuth;
}

export interface MavenResolution {
  run: CommandRun;
  /** The resolved jar in `localRepoDir` (for a SNAPSHOT, Maven's `<version>` copy of the newest build). */
  jarPath: string;
}

/**
 * Resolves one artifact into `localRepoDir` (pass a fresh one to prove it came from the
 * registry) through a consumer project that depends on it: `dependency:resolve`, as a build does.
 */
export async function mvnResolve(
  home: ClientHome,
  localRepoDir: string,
  options: MavenResolveOptions,
): Promise<MavenResolution> {
  const consumerDir = path.join(localRepoDir, '..', `${path.basename(localRepoDir)}-consumer`);
  await writeConsumerProject(consumerDir, options);
  const settings = path.join(consumerDir, 'settings.xml');
  await writeMavenSettings(settings, options.auth);
  const run = await mvn(home, settings, localRepoDir, [
    '-f',
    path.join(consumerDir, 'pom.xml'),
    `${DEPENDENCY_PLUGIN}:resolve`,
  ]);
  return { run, jarPath: artifactPath(localRepoDir, options, 'jar') };
}

/** Where Maven keeps an artifact in a repository laid out the default way. */
export function artifactPath(repoDir: string, artifact: MavenCoordinates, extension: string): string {
  return path.join(
    repoDir,
    ...artifact.groupId.split('.'),
    artifact.artifactId,
    artifact.version,
    `${artifact.artifactId}-${artifact.version}.${extension}`,
  );
}

/** The text of a resource inside a jar, to show which build was resolved. */
export async function readJarEntry(jarPath: string, entry: string): Promise<string> {
  const entries = unzipSync(await readFile(jarPath), { filter: (file) => file.name === entry });
  const content = entries[entry];
  if (!content) throw new Error(`${jarPath} has no entry ${entry}`);
  return Buffer.from(content).toString('utf8');
}
