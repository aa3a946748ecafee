import { Link } from 'react-router';
import { useViewer } from '../api/session';
import type { Project } from '../api/types';
import { accessLevelIn, MAINTAINER } from '../app/access';
import { paths } from '../app/routes';
import { useTitle } from '../components/useTitle';

export function ProjectPage({ project }: { project: Project }) {
  useTitle(project.name_with_namespace);
  const viewer = useViewer();
  const path = project.path_with_namespace;
  return (
    <>
      <h1>{project.name_with_namespace}</h1>
      {project.description ? <p>{project.description}</p> : null}
      <p className="muted">Visibility: {project.visibility}</p>
      <ul className="cards">
        <li>
          <Link to={paths.projectRegistry(path)}>Container registry</Link>
          <span className="muted">Images pushed with docker, podman or skopeo</span>
        </li>
        <li>
          <Link to={paths.projectPackages(path)}>Package registry</Link>
          <span className="muted">npm, PyPI, Maven, generic and more</span>
        </li>
        {accessLevelIn(project, viewer.data) >= MAINTAINER ? (
          <li>
            <Link to={paths.projectSettings(path)}>Packages and registries settings</Link>
            <span className="muted">Cleanup policies</span>
          </li>
        ) : null}
      </ul>
    </>
  );
}
