import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError, resource } from '../api/client';
import { useApi } from '../api/queries';
import { useViewer } from '../api/session';
import type { Group, Project } from '../api/types';
import { ErrorMessage, Loading } from '../components/Feedback';
import { NotFoundPage } from '../pages/NotFoundPage';
import { paths } from './routes';

/**
 * Loads the project (or group) a page belongs to. As on GitLab, an anonymous visitor who may not
 * see it (private, or it does not exist: the API does not say which) is sent to sign in and
 * brought back; a signed-in user sees "not found".
 */
function Gate<T>({
  kind,
  path,
  children,
}: {
  kind: 'projects' | 'groups';
  path: string;
  children: (item: T) => ReactNode;
}) {
  const location = useLocation();
  const viewer = useViewer();
  const item = useApi<T>(resource(kind, path));
  if (item.isPending || viewer.isPending) return <Loading />;
  if (item.isError) {
    const status = item.error instanceof ApiError ? item.error.status : 0;
    if (status === 401 || (status === 404 && viewer.data === null)) {
      return <Navigate replace to={paths.signIn(location.pathname + location.search)} />;
    }
    if (status === 404 || status === 403) return <NotFoundPage />;
    return <ErrorMessage error={item.error} />;
  }
  return <>{children(item.data)}</>;
}

export function ProjectGate({ path, children }: { path: string; children: (project: Project) => ReactNode }) {
  return (
    <Gate<Project> kind="projects" path={path}>
      {children}
    </Gate>
  );
}

export function GroupGate({ path, children }: { path: string; children: (group: Group) => ReactNode }) {
  return (
    <Gate<Group> kind="groups" path={path}>
      {children}
    </Gate>
  );
}
