import { Link } from 'react-router';
import { useApi } from '../api/queries';
import { useViewer } from '../api/session';
import type { Group, Project } from '../api/types';
import { paths } from '../app/routes';
import { EmptyState, ErrorMessage, Loading } from '../components/Feedback';
import { useTitle } from '../components/useTitle';

/** The groups and projects the viewer may see, each with its registries. */
export function HomePage() {
  useTitle('Packages & Registries');
  const viewer = useViewer();
  const groups = useApi<Group[]>('/api/v4/groups', { per_page: 100, order_by: 'name' });
  const projects = useApi<Project[]>('/api/v4/projects', { per_page: 100, order_by: 'name', sort: 'asc' });
  return (
    <>
      <h1>Packages & Registries</h1>
      <section aria-labelledby="groups-title">
        <h2 id="groups-title">Groups</h2>
        {groups.isPending ? <Loading /> : null}
        {groups.isError ? <ErrorMessage error={groups.error} /> : null}
        {groups.data?.length === 0 ? (
          <EmptyState title="No groups to show">
            <p>
              {viewer.data
                ? 'Create a group with the REST API (POST /api/v4/groups), or ask to be added to one.'
                : 'Sign in to see the groups you are a member of.'}
            </p>
          </EmptyState>
        ) : null}
        <ul className="cards">
          {groups.data?.map((group) => (
            <li key={group.id}>
              <Link to={paths.group(group.full_path)}>{group.full_name}</Link>
              <span className="muted">{group.visibility}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="projects-title">
        <h2 id="projects-title">Projects</h2>
        {projects.isPending ? <Loading /> : null}
        {projects.isError ? <ErrorMessage error={projects.error} /> : null}
        {projects.data?.length === 0 ? (
          <EmptyState title="No projects to show">
            <p>
              {viewer.data
                ? 'Create a project with the REST API (POST /api/v4/projects).'
                : 'Sign in to see private and internal projects.'}
            </p>
          </EmptyState>
        ) : null}
        <ul className="cards">
          {projects.data?.map((project) => (
            <li key={project.id}>
              <Link to={paths.project(project.path_with_namespace)}>{project.name_with_namespace}</Link>
              <span className="muted">{project.visibility}</span>
              <span className="links">
                <Link to={paths.projectRegistry(project.path_with_namespace)}>Container registry</Link>
                <Link to={paths.projectPackages(project.path_with_namespace)}>Packages</Link>
              </span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
