import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError, request, resource } from '../api/client';
import { useApi, usePage, useWrite } from '../api/queries';
import { useViewer } from '../api/session';
import type { CachedManifest, Group, ProxySettings, ProxyStorage } from '../api/types';
import { OWNER } from '../app/access';
import { paths } from '../app/routes';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Snippet } from '../components/CopyButton';
import { EmptyState, ErrorMessage, Loading } from '../components/Feedback';
import { countOf, formatBytes, formatDate, shortDigest } from '../components/format';
import { Pagination } from '../components/Pagination';
import { SaveButton } from '../components/SaveButton';
import { ListTable } from '../components/ListTable';
import { useTitle } from '../components/useTitle';

/** The group's pull-through cache: how to use it, its settings, what it holds, and purge. */
export function DependencyProxyPage({ group }: { group: Group }) {
  useTitle(`Dependency proxy · ${group.full_name}`);
  const location = useLocation();
  const viewer = useViewer();
  const base = `${resource('groups', group.id)}/dependency_proxy`;
  const settings = useApi<ProxySettings>(`${base}/settings`);
  const membership = useApi<{ access_level: number }>(
    viewer.data ? `${resource('groups', group.id)}/members/all/${viewer.data.id}` : null,
  );
  const owner = Boolean(viewer.data?.is_admin) || (membership.data?.access_level ?? 0) >= OWNER;
  const [page, setPage] = useState(1);
  const manifests = usePage<CachedManifest>(settings.data ? `${base}/manifests` : null, {
    page,
    per_page: 20,
  });
  const storage = useApi<ProxyStorage>(settings.data ? `${base}/storage` : null);
  const [purging, setPurging] = useState(false);
  const purge = useWrite(() => request('DELETE', `${base}/cache`));
  const prefix = `${window.location.host}/${group.full_path}/dependency_proxy/containers`;

  if (settings.isPending) return <Loading />;
  if (settings.isError) {
    if (settings.error instanceof ApiError && settings.error.status === 401) {
      return (
        <>
          <h1>Dependency proxy</h1>
          <p>
            The dependency proxy is for the group&apos;s members.{' '}
            <Link to={paths.signIn(location.pathname)}>Sign in</Link> to use it.
          </p>
        </>
      );
    }
    return (
      <>
        <h1>Dependency proxy</h1>
        <ErrorMessage error={settings.error} />
      </>
    );
  }

  return (
    <>
      <h1>Dependency proxy</h1>
      <section aria-labelledby="prefix-title" className="panel">
        <h2 id="prefix-title">Image prefix</h2>
        <p>
          Pull images through the proxy by putting this prefix before the image name, after{' '}
          <code>docker login {window.location.host}</code>:
        </p>
        <Snippet label="image prefix" code={prefix} />
        <Snippet label="docker pull command" code={`docker pull ${prefix}/alpine:latest`} />
      </section>
      <ProxySettingsPanel base={base} settings={settings.data} editable={owner} />
      <section aria-labelledby="cache-title" className="panel">
        <h2 id="cache-title">Cached images</h2>
        {storage.data ? (
          <p role="status">
            {countOf(storage.data.image_count, 'image')}, {countOf(storage.data.blob_count, 'blob')},{' '}
            {formatBytes(storage.data.total_size)} in all
          </p>
        ) : null}
        {storage.isError ? <ErrorMessage error={storage.error} /> : null}
        {owner ? (
          <button
            type="button"
            className="button danger"
            onClick={() => {
              purge.reset();
              setPurging(true);
            }}
            disabled={storage.data?.image_count === 0}
          >
            Clear the cache
          </button>
        ) : null}
        {manifests.isPending ? <Loading /> : null}
        {manifests.isError ? <ErrorMessage error={manifests.error} /> : null}
        {manifests.data && manifests.data.items.length === 0 ? (
          <EmptyState title="Nothing cached yet">
            <p>Pull an image with the prefix above; it is cached here for the next pull.</p>
          </EmptyState>
        ) : null}
        {manifests.data && manifests.data.items.length > 0 ? (
          <>
            <ListTable columns={['Image', 'Digest', 'Size', 'Upstream', 'Last pulled']}>
              {manifests.data.items.map((manifest) => (
                <tr key={manifest.id}>
                  <td data-label="Image">
                    {manifest.image}
                    {manifest.tag ? `:${manifest.tag}` : `@${shortDigest(manifest.digest)}`}
                  </td>
                  <td data-label="Digest">
                    <code title={manifest.digest}>{shortDigest(manifest.digest)}</code>
                  </td>
                  <td data-label="Size">{formatBytes(manifest.total_size ?? manifest.size)}</td>
                  <td data-label="Upstream">{manifest.upstream}</td>
                  <td data-label="Last pulled">{formatDate(manifest.read_at ?? manifest.created_at)}</td>
                </tr>
              ))}
            </ListTable>
            <Pagination pageInfo={manifests.data.pageInfo} onPage={setPage} />
          </>
        ) : null}
      </section>
      {purging ? (
        <ConfirmDialog
          title="Clear the dependency proxy cache?"
          confirmLabel="Clear cache"
          busy={purge.isPending}
          error={purge.error}
          onCancel={() => setPurging(false)}
          onConfirm={() => purge.mutate(undefined, { onSuccess: () => setPurging(false) })}
        >
          <p>
            Every cached image of {group.full_name} is removed in the background; the next pulls fetch them
            from upstream again.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

function ProxySettingsPanel({
  base,
  settings,
  editable,
}: {
  base: string;
  settings: ProxySettings;
  editable: boolean;
}) {
  const [enabled, setEnabled] = useState(settings.enabled);
  const [ttlEnabled, setTtlEnabled] = useState(settings.ttl_policy.enabled);
  const [ttlDays, setTtlDays] = useState(String(settings.ttl_policy.ttl_days));
  useEffect(() => {
    setEnabled(settings.enabled);
    setTtlEnabled(settings.ttl_policy.enabled);
    setTtlDays(String(settings.ttl_policy.ttl_days));
  }, [settings]);
  const save = useWrite(() =>
    request('PUT', `${base}/settings`, {
      body: { enabled, ttl_policy: { enabled: ttlEnabled, ttl_days: Number(ttlDays) } },
    }),
  );
  return (
    <section aria-labelledby="proxy-settings-title" className="panel">
      <h2 id="proxy-settings-title">Settings</h2>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(undefined);
        }}
      >
        <label className="toggle">
          <input
            type="checkbox"
            checked={enabled}
            disabled={!editable}
            onChange={(event) => setEnabled(event.target.checked)}
          />
          Enable the dependency proxy
        </label>
        <fieldset>
          <legend>Clear stale images</legend>
          <label className="toggle">
            <input
              type="checkbox"
              checked={ttlEnabled}
              disabled={!editable}
              onChange={(event) => setTtlEnabled(event.target.checked)}
            />
            Remove images not pulled for a while
          </label>
          <label>
            Days without a pull
            <input
              type="number"
              min={1}
              value={ttlDays}
              disabled={!editable || !ttlEnabled}
              onChange={(event) => setTtlDays(event.target.value)}
            />
          </label>
        </fieldset>
        {editable ? (
          <SaveButton save={save} />
        ) : (
          <p className="muted">Only the group&apos;s Owners change these settings.</p>
        )}
      </form>
      <h3>Upstreams</h3>
      <ListTable columns={['Name', 'URL', 'Prefix', 'Credentials']}>
        {settings.upstreams.map((upstream) => (
          <tr key={upstream.name}>
            <td data-label="Name">{upstream.name}</td>
            <td data-label="URL">
              <code>{upstream.url}</code>
            </td>
            <td data-label="Prefix">{upstream.prefix ?? '(default)'}</td>
            <td data-label="Credentials">{upstream.authenticated ? 'Set' : 'None'}</td>
          </tr>
        ))}
      </ListTable>
      <p className="muted">
        Upstreams and their credentials are changed with the REST API (PUT {base}/settings).
      </p>
    </section>
  );
}
