import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { request, resource } from '../api/client';
import { useApi, usePage, useWrite } from '../api/queries';
import type { Project, Repository, Tag, TagDetails } from '../api/types';
import { paths } from '../app/routes';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { EmptyState, ErrorMessage, Loading } from '../components/Feedback';
import { countOf, formatBytes, formatDate, shortDigest } from '../components/format';
import { useListParams, type ApiSortOption } from '../components/ListControls';
import { ListTable } from '../components/ListTable';
import { Pagination } from '../components/Pagination';
import { useTitle } from '../components/useTitle';

const SORTS: ApiSortOption[] = [
  { value: 'name_asc', label: 'Name, A to Z', order_by: 'name', sort: 'asc' },
  { value: 'name_desc', label: 'Name, Z to A', order_by: 'name', sort: 'desc' },
  { value: 'updated_desc', label: 'Last updated', order_by: 'updated_at', sort: 'desc' },
];

/** One image repository: its tags with digest, size, date and platforms; delete one or a selection. */
export function RepositoryPage({ project, repositoryId }: { project: Project; repositoryId: number }) {
  const repository = useApi<Repository>(`/api/v4/registry/repositories/${repositoryId}`, {
    tags_count: true,
    size: true,
  });
  useTitle(repository.data ? repository.data.path : 'Image repository');
  const list = useListParams(SORTS);
  const { order } = list;
  const tagsPath = `${resource('projects', project.id)}/registry/repositories/${repositoryId}/tags`;
  const tags = usePage<Tag>(tagsPath, {
    order_by: order.order_by,
    sort: order.sort,
    page: list.page,
    per_page: 20,
  });
  const details = useQueries({
    queries: (tags.data?.items ?? []).map((tag) => ({
      queryKey: [tagsPath, tag.name],
      queryFn: async () =>
        (await request<TagDetails>('GET', `${tagsPath}/${encodeURIComponent(tag.name)}`)).data,
    })),
  });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState<string[] | null>(null);
  // Deleted one after another: a failure stops there and says which tag it was.
  const remove = useWrite(async (names: string[]) => {
    for (const name of names) await request('DELETE', `${tagsPath}/${encodeURIComponent(name)}`);
  });

  if (repository.isPending) return <Loading />;
  if (repository.isError) return <ErrorMessage error={repository.error} />;
  const canDelete = Boolean(repository.data.delete_api_path);
  const names = tags.data?.items.map((tag) => tag.name) ?? [];
  const toggle = (name: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  return (
    <>
      <p className="breadcrumbs">
        <Link to={paths.projectRegistry(project.path_with_namespace)}>Container registry</Link> /
      </p>
      <h1>{repository.data.path}</h1>
      <div className="path">
        <code>{repository.data.location}</code>
        <CopyButton text={repository.data.location} label={`image path ${repository.data.location}`} />
      </div>
      <p className="muted">
        {countOf(repository.data.tags_count ?? 0, 'tag')} · {formatBytes(repository.data.size)} · created{' '}
        {formatDate(repository.data.created_at)}
      </p>
      <div className="list-controls">
        <label>
          <span>Sort by</span>
          <select value={list.sort} onChange={(event) => list.update({ sort: event.target.value })}>
            {SORTS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        {canDelete ? (
          <button
            type="button"
            className="button danger"
            disabled={selected.size === 0}
            onClick={() => {
              remove.reset();
              setConfirming([...selected]);
            }}
          >
            Delete selected ({selected.size})
          </button>
        ) : null}
      </div>
      {tags.isPending ? <Loading what="Loading tags" /> : null}
      {tags.isError ? <ErrorMessage error={tags.error} /> : null}
      {tags.data && names.length === 0 ? (
        <EmptyState title="This repository has no tags">
          <p>
            Push a tag with <code>docker push {repository.data.location}:&lt;tag&gt;</code>.
          </p>
        </EmptyState>
      ) : null}
      {names.length > 0 ? (
        <ListTable
          columns={['Tag', 'Digest', 'Size', 'Created', 'Platforms']}
          actions={canDelete}
          leading={
            canDelete ? (
              <input
                type="checkbox"
                aria-label="Select all tags on this page"
                checked={names.every((name) => selected.has(name))}
                onChange={(event) => setSelected(event.target.checked ? new Set(names) : new Set())}
              />
            ) : null
          }
        >
          {tags.data!.items.map((tag, index) => {
            const detail = details[index];
            const info = detail?.data;
            return (
              <tr key={tag.name}>
                {canDelete ? (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select tag ${tag.name}`}
                      checked={selected.has(tag.name)}
                      onChange={() => toggle(tag.name)}
                    />
                  </td>
                ) : null}
                <td data-label="Tag">
                  <strong>{tag.name}</strong>
                  <CopyButton text={tag.location} label={`image ${tag.location}`} />
                </td>
                <td data-label="Digest">
                  {detail?.isError ? (
                    <span role="alert">{detail.error.message}</span>
                  ) : (
                    <code title={info?.digest}>{shortDigest(info?.digest)}</code>
                  )}
                </td>
                <td data-label="Size">{formatBytes(info?.total_size)}</td>
                <td data-label="Created">{formatDate(info?.created_at)}</td>
                <td data-label="Platforms">
                  {info?.platforms?.length
                    ? info.platforms
                        .map((platform) =>
                          [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/'),
                        )
                        .join(', ')
                    : '—'}
                </td>
                {canDelete ? (
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button danger small"
                      aria-label={`Delete tag ${tag.name}`}
                      onClick={() => {
                        remove.reset();
                        setConfirming([tag.name]);
                      }}
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </ListTable>
      ) : null}
      {tags.data ? (
        <Pagination
          pageInfo={tags.data.pageInfo}
          onPage={(number) => list.update({ page: String(number) })}
        />
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={
            confirming.length === 1 ? `Delete tag ${confirming[0]}?` : `Delete ${confirming.length} tags?`
          }
          confirmLabel={confirming.length === 1 ? 'Delete tag' : 'Delete tags'}
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setConfirming(null)}
          onConfirm={() =>
            remove.mutate(confirming, {
              onSuccess: () => {
                setSelected(new Set());
                setConfirming(null);
              },
            })
          }
        >
          <p>
            {confirming.join(', ')} will be removed from <strong>{repository.data.path}</strong>. Images no
            other tag points at are removed by garbage collection later.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
