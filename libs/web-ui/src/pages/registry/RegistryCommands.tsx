import type { Project } from '../../api/types';
import { Snippet } from '../../components/CopyButton';
import { registryHostOf } from './repository-paths';

/** The docker commands that push to this project, as GitLab's empty registry page gives them. */
export function RegistryCommands({ project }: { project: Project }) {
  const prefix = project.container_registry_image_prefix;
  if (!prefix) return null;
  const host = registryHostOf(prefix);
  return (
    <details className="commands">
      <summary>CLI commands</summary>
      <p>
        Sign in with your username and a personal access token (or a deploy or job token), then build and
        push:
      </p>
      <Snippet label="docker login command" code={`docker login ${host}`} />
      <Snippet label="docker build command" code={`docker build -t ${prefix} .`} />
      <Snippet label="docker push command" code={`docker push ${prefix}`} />
    </details>
  );
}
