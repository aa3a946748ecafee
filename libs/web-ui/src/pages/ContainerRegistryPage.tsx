import { resource } from '../api/client';
import { useApi, usePage } from '../api/queries';
import type { Project, Repository } from '../api/types';
import { ownerName, ownerResource, type Owner } from '../app/owner';
import { EmptyState, ErrorMessage, Loading } from '../components/Feedback';
import { countOf } from '../components/format';
import { ListControls, useListParams, type ApiSortOption } from '../components/ListControls';
import { Pagination } from '../components/Pagination';
import { useTitle } from '../components/useTitle';
import { RegistryCommands } from './registry/RegistryCommands';
import { isBeingDeleted, RepositoryList } from './registry/RepositoryList';

const SORTS: ApiSortOption[] = [
  { value: 'published_desc', label: 'Last published', order_by: 'last_published_at', sort: 'desc' },
  { value: 'name_asc', label: 'Name, A to Z', order_by: 'name', sort: 'asc' },
  { value: 'name_desc', label: 'Name, Z to A', order_by: 'name', sort: 'desc' },
  { value: 'created_desc', label: 'Created, newest first', order_by: 'created_at', sort: 'desc' },
  { value: 'created_asc', label: 'Created, oldest first', order_by: 'created_at', sort: 'asc' },
];

/** A project's image repositories, or those of every project in a group the viewer may see. */
export function ContainerRegistryPage({ owner }: { owner: Owner }) {
  useTitle(`Container registry · ${ownerName(owner)}`);
  const list = useListParams(SORTS);
  const { order } = list;
  // In a group, the project filter narrows the list to one project's repositories.
  const projectFilter = owner.kind === 'group' ? list.params.get('project') : null;
  const base = projectFilter ? resource('projects', projectFilter) : ownerResource(owner);
  const page = usePage<Repository>(
    `${base}/registry/repositories`,
    {
      name: list.search,
      tags_count: true,
      size: true,
      order_by: order.order_by,
      sort: order.sort,
      page: list.page,
      per_page: 20,
    },
    // While the cleanup worker deletes a repository, its status changes: show it as it goes.
    { refetchInterval: (query) => (query.state.data?.items.some(isBeingDeleted) ? 2000 : false) },
  );
  const groupProjects = useApi<Project[]>(
    owner.kind === 'group' ? `${resource('groups', owner.group.id)}/projects` : null,
    {
      include_subgroups: true,
      per_page: 100,
      order_by: 'path',
      sort: 'asc',
    },
  );

  return (
    <>
      <h1>Container registry</h1>
      {owner.kind === 'project' ? <RegistryCommands project={owner.project} /> : null}
      <ListControls
        searchLabel="Search images by name"
        search={list.search}
        sort={list.sort}
        sortOptions={SORTS}
        onChange={list.update}
      >
        {owner.kind === 'group' ? (
          <label>
            <span>Project</span>
            <select
              value={projectFilter ?? ''}
              onChange={(event) => list.update({ project: event.target.value || undefined })}
            >
              <option value="">All projects</option>
              {groupProjects.data?.map((project) => (
                <option key={project.id} value={project.path_with_namespace}>
                  {project.path_with_namespace}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </ListControls>
      {page.isPending ? <Loading what="Loading image repositories" /> : null}
      {page.isError ? <ErrorMessage error={page.error} /> : null}
      {page.data && page.data.items.length === 0 ? (
        <EmptyState title={list.search ? 'No image repository matches' : 'No images yet'}>
          {list.search ? (
            <p>Try another name, or clear the search.</p>
          ) : owner.kind === 'project' ? (
            <p>Push an image with the commands above; it shows up here.</p>
          ) : (
            <p>
              Push an image to one of the group's projects; each project's registry page gives the commands.
            </p>
          )}
        </EmptyState>
      ) : null}
      {page.data && page.data.items.length > 0 ? (
        <>
          <p className="muted" role="status">
            {countOf(
              page.data.pageInfo.total ?? page.data.items.length,
              'image repository',
              'image repositories',
            )}
          </p>
          <RepositoryList repositories={page.data.items} />
          <Pagination
            pageInfo={page.data.pageInfo}
            onPage={(number) => list.update({ page: String(number) })}
          />
        </>
      ) : null}
    </>
  );
}
