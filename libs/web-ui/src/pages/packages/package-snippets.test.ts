import type { Package, PackageFile } from '../../api/types';
import { snippetsFor } from './package-snippets';

const ORIGIN = 'http://127.0.0.1:5000';

function packageOf(fields: Partial<Package>): Package {
  return {
    id: 1,
    name: 'thing',
    version: '1.2.3',
    package_type: 'generic',
    status: 'default',
    created_at: '2026-12-07T10:00:00Z',
    project_id: 12,
    project_path: 'team/app',
    _links: { web_path: '/team/app/-/packages/1' },
    ...fields,
  };
}

const codes = (pkg: Package, files: PackageFile[] = []) =>
  snippetsFor(pkg, files, ORIGIN).flatMap((section) => section.snippets.map((snippet) => snippet.code));

describe('package install snippets', () => {
  it('when a scoped npm package is shown, then .npmrc maps its scope to the project registry with a token from the environment', () => {
    const [install, npmrc] = codes(packageOf({ package_type: 'npm', name: '@team/widget' }));

    expect(install).toBe('npm install @team/widget@1.2.3');
    expect(npmrc).toBe(
      '@team:registry=http://127.0.0.1:5000/api/v4/projects/12/packages/npm/\n' +
        '//127.0.0.1:5000/api/v4/projects/12/packages/npm/:_authToken=${NPM_TOKEN}',
    );
  });

  it('when a PyPI package is shown, then pip installs that version from the simple index', () => {
    const [install] = codes(packageOf({ package_type: 'pypi', name: 'my-lib' }));

    expect(install).toBe(
      'pip install --index-url http://__token__:<your_personal_token>@127.0.0.1:5000/api/v4/projects/12/packages/pypi/simple my-lib==1.2.3',
    );
  });

  it('when a Maven package is shown, then its path name becomes groupId and artifactId', () => {
    const [dependency, , repository] = codes(packageOf({ package_type: 'maven', name: 'com/example/app' }));

    expect(dependency).toContain('<groupId>com.example</groupId>');
    expect(dependency).toContain('<artifactId>app</artifactId>');
    expect(repository).toContain('<url>http://127.0.0.1:5000/api/v4/projects/12/packages/maven</url>');
  });

  it('when a generic package is shown, then every file has its curl download with names escaped', () => {
    const file = {
      id: 3,
      package_id: 1,
      file_name: 'tool v1.tar.gz',
      size: 1,
      created_at: '',
      file_md5: null,
      file_sha1: null,
      file_sha256: null,
    };

    expect(codes(packageOf({}), [file])).toEqual([
      'curl --header "PRIVATE-TOKEN: <your_access_token>" --output "tool v1.tar.gz" "http://127.0.0.1:5000/api/v4/projects/12/packages/generic/thing/1.2.3/tool%20v1.tar.gz"',
    ]);
  });
});
