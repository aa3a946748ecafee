import { useViewer } from '../api/session';
import type { Project } from '../api/types';
import { accessLevelIn, MAINTAINER } from '../app/access';
import { useTitle } from '../components/useTitle';
import { NotFoundPage } from './NotFoundPage';
import { ContainerCleanupForm } from './settings/ContainerCleanupForm';
import { DuplicateSettings } from './settings/DuplicateSettings';
import { PackageCleanupForm } from './settings/PackageCleanupForm';

/** `/<project>/-/settings/packages_and_registries`: for Maintainers and above, as on GitLab. */
export function ProjectSettingsPage({ project }: { project: Project }) {
  useTitle(`Packages and registries settings · ${project.name_with_namespace}`);
  const viewer = useViewer();
  if (viewer.isPending) return null;
  if (accessLevelIn(project, viewer.data) < MAINTAINER) return <NotFoundPage />;
  return (
    <>
      <h1>Packages and registries settings</h1>
      <ContainerCleanupForm project={project} />
      <PackageCleanupForm project={project} />
      {project.namespace.kind === 'group' ? <DuplicateSettings group={project.namespace} /> : null}
    </>
  );
}
