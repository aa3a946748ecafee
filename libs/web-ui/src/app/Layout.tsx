import { useState, type ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import { resource } from '../api/client';
import { useApi } from '../api/queries';
import { useSessionActions, useViewer } from '../api/session';
import type { Project } from '../api/types';
import { accessLevelIn, MAINTAINER } from './access';
import { paths, type PageRoute } from './routes';

export function Layout({ route, children }: { route: PageRoute; children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="top-bar">
        <Link to={paths.home()} className="brand">
          Stowage
        </Link>
        <ViewerMenu />
      </header>
      <div className="frame">
        {'project' in route ? <ProjectNav project={route.project} /> : null}
        {'group' in route ? <GroupNav group={route.group} /> : null}
        <main id="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </>
  );
}

function ViewerMenu() {
  const viewer = useViewer();
  const { signOut } = useSessionActions();
  const navigate = useNavigate();
  const location = useLocation();
  const [failed, setFailed] = useState(false);
  if (viewer.isPending) return null;
  if (!viewer.data) {
    if (location.pathname === paths.signIn()) return null;
    return (
      <Link className="button" to={paths.signIn(location.pathname + location.search)}>
        Sign in
      </Link>
    );
  }
  return (
    <div className="viewer">
      <span>
        Signed in as <strong>{viewer.data.username}</strong>
      </span>
      <button
        type="button"
        className="button"
        onClick={async () => {
          try {
            await signOut();
            navigate(paths.home());
          } catch {
            setFailed(true);
          }
        }}
      >
        Sign out
      </button>
      {failed ? <span role="alert">Signing out failed; try again.</span> : null}
    </div>
  );
}

function ProjectNav({ project }: { project: string }) {
  const viewer = useViewer();
  const loaded = useApi<Project>(resource('projects', project));
  const maintainer = loaded.data ? accessLevelIn(loaded.data, viewer.data) >= MAINTAINER : false;
  return (
    <nav className="side-nav" aria-label="Project">
      <p className="nav-title">
        <Link to={paths.project(project)}>{loaded.data?.name_with_namespace ?? project}</Link>
      </p>
      <ul>
        <li>
          <NavLink to={paths.projectRegistry(project)}>Container registry</NavLink>
        </li>
        <li>
          <NavLink to={paths.projectPackages(project)}>Package registry</NavLink>
        </li>
        {maintainer ? (
          <li>
            <NavLink to={paths.projectSettings(project)}>Packages and registries settings</NavLink>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

function GroupNav({ group }: { group: string }) {
  return (
    <nav className="side-nav" aria-label="Group">
      <p className="nav-title">
        <Link to={paths.group(group)}>{group}</Link>
      </p>
      <ul>
        <li>
          <NavLink to={paths.groupRegistry(group)}>Container registries</NavLink>
        </li>
        <li>
          <NavLink to={paths.groupPackages(group)}>Package registry</NavLink>
        </li>
        <li>
          <NavLink to={paths.dependencyProxy(group)}>Dependency proxy</NavLink>
        </li>
      </ul>
    </nav>
  );
}
