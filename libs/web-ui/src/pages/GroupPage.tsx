import { Link } from 'react-router';
import type { Group } from '../api/types';
import { paths } from '../app/routes';
import { useTitle } from '../components/useTitle';

export function GroupPage({ group }: { group: Group }) {
  useTitle(group.full_name);
  const path = group.full_path;
  return (
    <>
      <h1>{group.full_name}</h1>
      <p className="muted">Visibility: {group.visibility}</p>
      <ul className="cards">
        <li>
          <Link to={paths.groupRegistry(path)}>Container registries</Link>
          <span className="muted">The images of every project in the group</span>
        </li>
        <li>
          <Link to={paths.groupPackages(path)}>Package registry</Link>
          <span className="muted">The packages of the projects you may see</span>
        </li>
        <li>
          <Link to={paths.dependencyProxy(path)}>Dependency proxy</Link>
          <span className="muted">A pull-through cache of images from upstream registries</span>
        </li>
      </ul>
    </>
  );
}
