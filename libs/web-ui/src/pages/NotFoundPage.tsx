import { Link } from 'react-router';
import { paths } from '../app/routes';
import { useTitle } from '../components/useTitle';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        This page does not exist, or you may not see it. <Link to={paths.home()}>Go to the start page</Link>.
      </p>
    </section>
  );
}
