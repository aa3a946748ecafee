import { useLocation } from 'react-router';
import { ContainerRegistryPage } from '../pages/ContainerRegistryPage';
import { DependencyProxyPage } from '../pages/DependencyProxyPage';
import { GroupPage } from '../pages/GroupPage';
import { HomePage } from '../pages/HomePage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { PackagePage } from '../pages/PackagePage';
import { PackagesPage } from '../pages/PackagesPage';
import { ProjectPage } from '../pages/ProjectPage';
import { ProjectSettingsPage } from '../pages/ProjectSettingsPage';
import { RepositoryPage } from '../pages/RepositoryPage';
import { SignInPage } from '../pages/SignInPage';
import { GroupGate, ProjectGate } from './Gates';
import { Layout } from './Layout';
import { routeOf, type PageRoute } from './routes';

export function App() {
  const route = routeOf(useLocation().pathname);
  return <Layout route={route}>{pageFor(route)}</Layout>;
}

function pageFor(route: PageRoute) {
  switch (route.name) {
    case 'home':
      return <HomePage />;
    case 'signIn':
      return <SignInPage />;
    case 'group':
      return <GroupGate path={route.group}>{(group) => <GroupPage group={group} />}</GroupGate>;
    case 'groupRegistry':
      return (
        <GroupGate path={route.group}>
          {(group) => <ContainerRegistryPage owner={{ kind: 'group', group }} />}
        </GroupGate>
      );
    case 'groupPackages':
      return (
        <GroupGate path={route.group}>
          {(group) => <PackagesPage owner={{ kind: 'group', group }} />}
        </GroupGate>
      );
    case 'dependencyProxy':
      return <GroupGate path={route.group}>{(group) => <DependencyProxyPage group={group} />}</GroupGate>;
    case 'project':
      return <ProjectGate path={route.project}>{(project) => <ProjectPage project={project} />}</ProjectGate>;
    case 'projectRegistry':
      return (
        <ProjectGate path={route.project}>
          {(project) => <ContainerRegistryPage owner={{ kind: 'project', project }} />}
        </ProjectGate>
      );
    case 'repository':
      return (
        <ProjectGate path={route.project}>
          {(project) => <RepositoryPage project={project} repositoryId={route.repositoryId} />}
        </ProjectGate>
      );
    case 'projectPackages':
      return (
        <ProjectGate path={route.project}>
          {(project) => <PackagesPage owner={{ kind: 'project', project }} />}
        </ProjectGate>
      );
    case 'package':
      return (
        <ProjectGate path={route.project}>
          {(project) => <PackagePage project={project} packageId={route.packageId} />}
        </ProjectGate>
      );
    case 'projectSettings':
      return (
        <ProjectGate path={route.project}>
          {(project) => <ProjectSettingsPage project={project} />}
        </ProjectGate>
      );
    case 'notFound':
      return <NotFoundPage />;
  }
}
