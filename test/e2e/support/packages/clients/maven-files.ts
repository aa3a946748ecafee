import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClientAuth } from './client-auth';

/**
 * The files a Maven client run needs: a settings.xml that resolves plugins from Debian's local
 * Maven repository (the public one cannot be reached here) while the registry under test is
 * reached directly with the test's credentials, and the POMs of a tiny producer and consumer.
 */

/** The `<id>` of the registry in POMs and of its `<server>` credentials in settings.xml. */
export const REGISTRY_REPOSITORY_ID = 'stowage';

/** Where Debian's `libmaven-*-plugin-java` packages put Maven plugins and their dependencies. */
const DEBIAN_MAVEN_REPO = 'file:///usr/share/maven-repo';

export interface MavenCoordinates {
  groupId: string;
  artifactId: string;
  version: string;
}

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function serverEntry(auth: ClientAuth): string {
  if (auth === 'anonymous') return '';
  const credentials =
    'header' in auth
      ? // wagon-http sends these headers with every request, which is how GitLab documents token auth.
        `<configuration><httpHeaders><property><name>${xml(auth.header)}</name><value>${xml(auth.token)}</value></property></httpHeaders></configuration>`
      : `<username>${xml(auth.username)}</username><password>${xml(auth.password)}</password>`;
  return `<servers><server><id>${REGISTRY_REPOSITORY_ID}</id>${credentials}</server></servers>`;
}

/**
 * settings.xml: every repository but the registry's is mirrored to Debian's repository, so
 * plugins resolve offline and the registry is the only remote Maven ever talks to.
 */
export async function writeMavenSettings(file: string, auth: ClientAuth): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
  <interactiveMode>false</interactiveMode>
  <mirrors>
    <mirror>
      <id>debian</id>
      <mirrorOf>*,!${REGISTRY_REPOSITORY_ID}</mirrorOf>
      <url>${DEBIAN_MAVEN_REPO}</url>
    </mirror>
  </mirrors>
  ${serverEntry(auth)}
</settings>
`,
  );
}

const coordinates = (c: MavenCoordinates) =>
  `<groupId>${xml(c.groupId)}</groupId>
  <artifactId>${xml(c.artifactId)}</artifactId>
  <version>${xml(c.version)}</version>`;

/**
 * A jar project with one resource and no Java source, so a deploy needs no compiler run and no
 * tests; `distributionManagement` names the registry for releases and SNAPSHOTs, as GitLab's
 * documentation has users write it.
 */
export async function writeProducerProject(
  dir: string,
  project: MavenCoordinates & { repoUrl: string; snapshotRepoUrl?: string; resourceText: string },
): Promise<void> {
  await mkdir(path.join(dir, 'src', 'main', 'resources'), { recursive: true });
  await writeFile(path.join(dir, 'src', 'main', 'resources', 'stowage-resource.txt'), project.resourceText);
  await writeFile(
    path.join(dir, 'pom.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  ${coordinates(project)}
  <packaging>jar</packaging>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <maven.test.skip>true</maven.test.skip>
  </properties>
  <distributionManagement>
    <repository><id>${REGISTRY_REPOSITORY_ID}</id><url>${xml(project.repoUrl)}</url></repository>
    <snapshotRepository><id>${REGISTRY_REPOSITORY_ID}</id><url>${xml(project.snapshotRepoUrl ?? project.repoUrl)}</url></snapshotRepository>
  </distributionManagement>
</project>
`,
  );
}

/** A project that depends on `dependency` and declares the registry as its only repository. */
export async function writeConsumerProject(
  dir: string,
  dependency: MavenCoordinates & { repoUrl: string },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'pom.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example.stowage.consumer</groupId>
  <artifactId>consumer</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <repositories>
    <repository>
      <id>${REGISTRY_REPOSITORY_ID}</id>
      <url>${xml(dependency.repoUrl)}</url>
      <releases><enabled>true</enabled><checksumPolicy>fail</checksumPolicy></releases>
      <snapshots><enabled>true</enabled><updatePolicy>always</updatePolicy><checksumPolicy>fail</checksumPolicy></snapshots>
    </repository>
  </repositories>
  <dependencies>
    <dependency>
      ${coordinates(dependency)}
    </dependency>
  </dependencies>
</project>
`,
  );
}
