import type { Package, PackageFile } from '../../api/types';

/** A command or file for the package page: what it is, and the text to copy. */
export interface Snippet {
  label: string;
  code: string;
}

export interface SnippetSection {
  title: string;
  snippets: Snippet[];
}

/**
 * How to install this package and set up its client, per format, with the registry URLs the
 * README documents. Tokens stay placeholders the reader fills in (an environment variable, so the
 * token is not written into a file that gets committed).
 */
export function snippetsFor(pkg: Package, files: PackageFile[], origin: string): SnippetSection[] {
  const project = `${origin}/api/v4/projects/${pkg.project_id}/packages`;
  switch (pkg.package_type) {
    case 'npm':
      return npmSnippets(pkg, `${project}/npm/`);
    case 'pypi':
      return pypiSnippets(pkg, `${project}/pypi`);
    case 'maven':
      return mavenSnippets(pkg, `${project}/maven`);
    case 'generic':
      return genericSnippets(pkg, files, `${project}/generic`);
    default:
      return [];
  }
}

function npmSnippets(pkg: Package, registry: string): SnippetSection[] {
  const scope = pkg.name.startsWith('@') ? pkg.name.split('/')[0] : null;
  const withoutScheme = registry.replace(/^https?:/, '');
  const npmrc = [
    scope ? `${scope}:registry=${registry}` : `registry=${registry}`,
    `${withoutScheme}:_authToken=\${NPM_TOKEN}`,
  ].join('\n');
  return [
    {
      title: 'Install',
      snippets: [{ label: 'npm install command', code: `npm install ${pkg.name}@${pkg.version}` }],
    },
    {
      title: 'Registry setup',
      snippets: [{ label: '.npmrc', code: npmrc }],
    },
  ];
}

function pypiSnippets(pkg: Package, registry: string): SnippetSection[] {
  const simple = `${registry}/simple`;
  const authenticated = simple.replace(/^(https?:\/\/)/, '$1__token__:<your_personal_token>@');
  return [
    {
      title: 'Install',
      snippets: [
        {
          label: 'pip install command',
          code: `pip install --index-url ${authenticated} ${pkg.name}==${pkg.version}`,
        },
      ],
    },
    {
      title: 'Registry setup',
      snippets: [
        {
          label: '.pypirc',
          code: [
            '[distutils]',
            'index-servers = stowage',
            '',
            '[stowage]',
            `repository = ${registry}`,
            'username = __token__',
            'password = <your_personal_token>',
          ].join('\n'),
        },
      ],
    },
  ];
}

function mavenSnippets(pkg: Package, registry: string): SnippetSection[] {
  // Maven packages are named by path: `com/example/app` is group com.example, artifact app.
  const segments = pkg.name.split('/');
  const artifactId = segments.pop() ?? pkg.name;
  const groupId = segments.join('.');
  return [
    {
      title: 'Install',
      snippets: [
        {
          label: 'pom.xml dependency',
          code: [
            '<dependency>',
            `  <groupId>${groupId}</groupId>`,
            `  <artifactId>${artifactId}</artifactId>`,
            `  <version>${pkg.version}</version>`,
            '</dependency>',
          ].join('\n'),
        },
        {
          label: 'mvn command',
          code: `mvn dependency:get -Dartifact=${groupId}:${artifactId}:${pkg.version}`,
        },
      ],
    },
    {
      title: 'Registry setup',
      snippets: [
        {
          label: 'pom.xml repository',
          code: [
            '<repositories>',
            '  <repository>',
            '    <id>stowage</id>',
            `    <url>${registry}</url>`,
            '  </repository>',
            '</repositories>',
          ].join('\n'),
        },
        {
          label: 'settings.xml server',
          code: [
            '<settings>',
            '  <servers>',
            '    <server>',
            '      <id>stowage</id>',
            '      <configuration>',
            '        <httpHeaders>',
            '          <property>',
            '            <name>Private-Token</name>',
            '            <value>${env.STOWAGE_TOKEN}</value>',
            '          </property>',
            '        </httpHeaders>',
            '      </configuration>',
            '    </server>',
            '  </servers>',
            '</settings>',
          ].join('\n'),
        },
      ],
    },
  ];
}

function genericSnippets(pkg: Package, files: PackageFile[], registry: string): SnippetSection[] {
  const base = `${registry}/${encodeURIComponent(pkg.name)}/${encodeURIComponent(pkg.version ?? '')}`;
  return [
    {
      title: 'Download',
      snippets: files.map((file) => ({
        label: `curl command for ${file.file_name}`,
        code: `curl --header "PRIVATE-TOKEN: <your_access_token>" --output "${file.file_name}" "${base}/${encodeURIComponent(file.file_name)}"`,
      })),
    },
  ];
}
