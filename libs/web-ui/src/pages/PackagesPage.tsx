import { Link } from 'react-router';
import { usePage } from '../api/queries';
import type { Package } from '../api/types';
import { ownerName, ownerResource, type Owner } from '../app/owner';
import { paths } from '../app/routes';
import { EmptyState, ErrorMessage, Loading } from '../components/Feedback';
import { formatDate } from '../components/format';
import { ListControls, useListParams, type ApiSortOption } from '../components/ListControls';
import { ListTable } from '../components/ListTable';
import { Pagination } from '../components/Pagination';
import { useTitle } from '../components/useTitle';
import { PACKAGE_TYPES, packageTypeLabel } from './packages/package-types';

const SORTS: ApiSortOption[] = [
  { value: 'created_desc', label: 'Published, newest first', order_by: 'created_at', sort: 'desc' },
  { value: 'created_asc', label: 'Published, oldest first', order_by: 'created_at', sort: 'asc' },
  { value: 'name_asc', label: 'Name, A to Z', order_by: 'name', sort: 'asc' },
  { value: 'name_desc', label: 'Name, Z to A', order_by: 'name', sort: 'desc' },
  { value: 'version_desc', label: 'Version, highest first', order_by: 'version', sort: 'desc' },
  { value: 'type_asc', label: 'Format', order_by: 'type', sort: 'asc' },
];

/**
 * A project's packages, or those of the group's projects the viewer may read (the API leaves the
 * others out).
 */
export function PackagesPage({ owner }: { owner: Owner }) {
  useTitle(`Package registry · ${ownerName(owner)}`);
  const list = useListParams(SORTS);
  const { order } = list;
  const format = PACKAGE_TYPES.includes(list.params.get('type') ?? '') ? list.params.get('type')! : '';
  const page = usePage<Package>(`${ownerResource(owner)}/packages`, {
    package_name: list.search,
    package_type: format,
    order_by: order.order_by,
    sort: order.sort,
    page: list.page,
    per_page: 20,
  });
  return (
    <>
      <h1>Package registry</h1>
      <ListControls
        searchLabel="Search packages by name"
        search={list.search}
        sort={list.sort}
        sortOptions={SORTS}
        onChange={list.update}
      >
        <label>
          <span>Format</span>
          <select value={format} onChange={(event) => list.update({ type: event.target.value || undefined })}>
            <option value="">All formats</option>
            {PACKAGE_TYPES.map((type) => (
              <option key={type} value={type}>
                {packageTypeLabel(type)}
              </option>
            ))}
          </select>
        </label>
      </ListControls>
      {page.isPending ? <Loading what="Loading packages" /> : null}
      {page.isError ? <ErrorMessage error={page.error} /> : null}
      {page.data && page.data.items.length === 0 ? (
        <EmptyState title={list.search || format ? 'No package matches' : 'No packages yet'}>
          {list.search || format ? (
            <p>Try another name or format, or clear the filters.</p>
          ) : (
            <p>
              Publish one with npm, pip/twine, Maven, curl and more; the README's &quot;Package registry&quot;
              section gives each client's setup.
            </p>
          )}
        </EmptyState>
      ) : null}
      {page.data && page.data.items.length > 0 ? (
        <>
          <ListTable
            columns={[
              'Package',
              'Version',
              'Format',
              ...(owner.kind === 'group' ? ['Project'] : []),
              'Published',
            ]}
          >
            {page.data.items.map((pkg) => (
              <tr key={pkg.id}>
                <td data-label="Package">
                  <Link to={paths.package(pkg.project_path, pkg.id)}>{pkg.name}</Link>
                </td>
                <td data-label="Version">{pkg.version ?? '—'}</td>
                <td data-label="Format">{packageTypeLabel(pkg.package_type)}</td>
                {owner.kind === 'group' ? (
                  <td data-label="Project">
                    <Link to={paths.projectPackages(pkg.project_path)}>{pkg.project_path}</Link>
                  </td>
                ) : null}
                <td data-label="Published">{formatDate(pkg.created_at)}</td>
              </tr>
            ))}
          </ListTable>
          <Pagination
            pageInfo={page.data.pageInfo}
            onPage={(number) => list.update({ page: String(number) })}
          />
        </>
      ) : null}
    </>
  );
}
