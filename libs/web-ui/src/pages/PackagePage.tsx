import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { apiPathOf, request, resource } from '../api/client';
import { useApi, useWrite } from '../api/queries';
import type { Package, PackageFile, Pipeline, Project } from '../api/types';
import { paths } from '../app/routes';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Snippet } from '../components/CopyButton';
import { ErrorMessage, Loading } from '../components/Feedback';
import { formatBytes, formatDate } from '../components/format';
import { ListTable } from '../components/ListTable';
import { useTitle } from '../components/useTitle';
import { packageTypeLabel } from './packages/package-types';
import { snippetsFor } from './packages/package-snippets';

/** One package version: its files, the pipelines that published it, and how to install it. */
export function PackagePage({ project, packageId }: { project: Project; packageId: number }) {
  const base = `${resource('projects', project.id)}/packages/${packageId}`;
  const pkg = useApi<Package>(base);
  const files = useApi<PackageFile[]>(`${base}/package_files`, { per_page: 100 });
  const pipelines = useApi<Pipeline[]>(`${base}/pipelines`);
  const navigate = useNavigate();
  const [confirm, setConfirm] = useState<{ kind: 'package' } | { kind: 'file'; file: PackageFile } | null>(
    null,
  );
  const removePackage = useWrite(() => request('DELETE', apiPathOf(pkg.data!._links.delete_api_path!)));
  const removeFile = useWrite((file: PackageFile) => request('DELETE', `${base}/package_files/${file.id}`));
  useTitle(pkg.data ? `${pkg.data.name} ${pkg.data.version ?? ''}` : 'Package');

  if (pkg.isPending) return <Loading />;
  if (pkg.isError) return <ErrorMessage error={pkg.error} />;
  const canDelete = Boolean(pkg.data._links.delete_api_path);
  const sections = snippetsFor(pkg.data, files.data ?? [], window.location.origin);
  const busy = removePackage.isPending || removeFile.isPending;

  return (
    <>
      <p className="breadcrumbs">
        <Link to={paths.projectPackages(project.path_with_namespace)}>Package registry</Link> /
      </p>
      <h1>
        {pkg.data.name} <span className="muted">{pkg.data.version}</span>
      </h1>
      <p className="muted">
        {packageTypeLabel(pkg.data.package_type)} · published {formatDate(pkg.data.created_at)} ·{' '}
        {project.path_with_namespace}
      </p>
      {canDelete ? (
        <button type="button" className="button danger" onClick={() => setConfirm({ kind: 'package' })}>
          Delete package
        </button>
      ) : null}

      {sections.map((section) => (
        <section key={section.title} aria-label={section.title} className="panel">
          <h2>{section.title}</h2>
          {section.snippets.map((snippet) => (
            <Snippet key={snippet.label} label={snippet.label} code={snippet.code} />
          ))}
        </section>
      ))}

      <section aria-labelledby="files-title" className="panel">
        <h2 id="files-title">Files</h2>
        {files.isPending ? <Loading /> : null}
        {files.isError ? <ErrorMessage error={files.error} /> : null}
        {files.data ? (
          <ListTable columns={['Name', 'Size', 'Checksums', 'Created']} actions={canDelete}>
            {files.data.map((file) => (
              <tr key={file.id}>
                <td data-label="Name">{file.file_name}</td>
                <td data-label="Size">{formatBytes(file.size)}</td>
                <td data-label="Checksums" className="checksums">
                  {file.file_sha256 ? <code>SHA-256 {file.file_sha256}</code> : null}
                  {file.file_sha1 ? <code>SHA-1 {file.file_sha1}</code> : null}
                  {file.file_md5 ? <code>MD5 {file.file_md5}</code> : null}
                </td>
                <td data-label="Created">{formatDate(file.created_at)}</td>
                {canDelete ? (
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button danger small"
                      aria-label={`Delete file ${file.file_name}`}
                      onClick={() => setConfirm({ kind: 'file', file })}
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </ListTable>
        ) : null}
      </section>

      <section aria-labelledby="pipelines-title" className="panel">
        <h2 id="pipelines-title">Pipelines</h2>
        {pipelines.isError ? <ErrorMessage error={pipelines.error} /> : null}
        {pipelines.data?.length === 0 ? <p>Published outside CI: no pipeline is recorded.</p> : null}
        <ul>
          {pipelines.data?.map((pipeline) => (
            <li key={pipeline.id}>
              Pipeline #{pipeline.id}
              {pipeline.ref ? ` on ${pipeline.ref}` : ''}
              {pipeline.sha ? ` (${pipeline.sha.slice(0, 8)})` : ''}, {formatDate(pipeline.created_at)}
            </li>
          ))}
        </ul>
      </section>

      {confirm ? (
        <ConfirmDialog
          title={
            confirm.kind === 'package'
              ? `Delete ${pkg.data.name} ${pkg.data.version ?? ''}?`
              : `Delete ${confirm.file.file_name}?`
          }
          confirmLabel={confirm.kind === 'package' ? 'Delete package' : 'Delete file'}
          busy={busy}
          error={removePackage.error ?? removeFile.error}
          onCancel={() => setConfirm(null)}
          onConfirm={() =>
            confirm.kind === 'package'
              ? removePackage.mutate(undefined, {
                  onSuccess: () => navigate(paths.projectPackages(project.path_with_namespace)),
                })
              : removeFile.mutate(confirm.file, { onSuccess: () => setConfirm(null) })
          }
        >
          <p>
            {confirm.kind === 'package'
              ? 'The package and all its files will be deleted. Clients that install this version will fail.'
              : 'The file will be deleted from this package version.'}
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
