import { useState } from 'react';
import { Link } from 'react-router';
import { apiPathOf, request } from '../../api/client';
import { useWrite } from '../../api/queries';
import type { Repository } from '../../api/types';
import { paths } from '../../app/routes';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { formatBytes, formatDate } from '../../components/format';
import { ListTable } from '../../components/ListTable';
import { projectPathOf } from './repository-paths';

const STATUS_TEXT: Record<string, string> = {
  delete_scheduled: 'Deletion scheduled',
  delete_ongoing: 'Being deleted',
  delete_failed: 'Deletion failed',
  cleanup_scheduled: 'Cleanup scheduled',
  cleanup_ongoing: 'Cleanup running',
};

export function isBeingDeleted(repository: Repository): boolean {
  return repository.status === 'delete_scheduled' || repository.status === 'delete_ongoing';
}

/** The image repositories of one page, each with its path to copy and, where allowed, delete. */
export function RepositoryList({ repositories }: { repositories: Repository[] }) {
  const [deleting, setDeleting] = useState<Repository | null>(null);
  const remove = useWrite((repository: Repository) =>
    request('DELETE', apiPathOf(repository.delete_api_path!)),
  );
  return (
    <>
      <ListTable columns={['Image repository', 'Tags', 'Size', 'Last published']} actions>
        {repositories.map((repository) => (
          <tr key={repository.id}>
            <td data-label="Image repository">
              <Link to={paths.repository(projectPathOf(repository), repository.id)}>{repository.path}</Link>
              <div className="path">
                <code>{repository.location}</code>
                <CopyButton text={repository.location} label={`image path ${repository.location}`} />
              </div>
              {repository.status ? (
                <span className={`badge ${isBeingDeleted(repository) ? 'warning' : ''}`} role="status">
                  {STATUS_TEXT[repository.status] ?? repository.status}
                </span>
              ) : null}
            </td>
            <td data-label="Tags">{repository.tags_count ?? '—'}</td>
            <td data-label="Size">{formatBytes(repository.size)}</td>
            <td data-label="Last published">{formatDate(repository.last_published_at)}</td>
            <td className="row-actions">
              {repository.delete_api_path && !isBeingDeleted(repository) ? (
                <button
                  type="button"
                  className="button danger small"
                  aria-label={`Delete image repository ${repository.path}`}
                  onClick={() => {
                    remove.reset();
                    setDeleting(repository);
                  }}
                >
                  Delete
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </ListTable>
      {deleting ? (
        <ConfirmDialog
          title="Delete image repository?"
          confirmLabel="Delete repository"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setDeleting(null)}
          onConfirm={() => remove.mutate(deleting, { onSuccess: () => setDeleting(null) })}
        >
          <p>
            Every tag of <strong>{deleting.path}</strong> and the images they point at will be deleted. The
            cleanup worker removes them in the background; the list shows its progress.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
