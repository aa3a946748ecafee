import { useEffect, useState } from 'react';
import { request, resource } from '../../api/client';
import { useApi, useWrite } from '../../api/queries';
import type { Project } from '../../api/types';
import { ErrorMessage, Loading } from '../../components/Feedback';
import { SaveButton } from '../../components/SaveButton';
import { formatDate } from '../../components/format';

interface PackageCleanupPolicy {
  keep_n_duplicated_package_files: string;
  next_run_at: string | null;
}

const KEEP: [string, string][] = [
  ['all', 'All duplicates'],
  ['1', 'The most recent one'],
  ['10', 'The 10 most recent'],
  ['20', 'The 20 most recent'],
  ['30', 'The 30 most recent'],
  ['40', 'The 40 most recent'],
  ['50', 'The 50 most recent'],
];

/** How many files of the same name one package version keeps (`/packages/cleanup_policy`). */
export function PackageCleanupForm({ project }: { project: Project }) {
  const path = `${resource('projects', project.id)}/packages/cleanup_policy`;
  const policy = useApi<PackageCleanupPolicy>(path);
  const [keep, setKeep] = useState('all');
  useEffect(() => {
    if (policy.data) setKeep(policy.data.keep_n_duplicated_package_files);
  }, [policy.data]);
  const save = useWrite((value: string) =>
    request('PUT', path, { body: { keep_n_duplicated_package_files: value } }),
  );
  return (
    <section aria-labelledby="package-cleanup-title" className="panel">
      <h2 id="package-cleanup-title">Package cleanup policy</h2>
      {policy.isPending ? <Loading /> : null}
      {policy.isError ? <ErrorMessage error={policy.error} /> : null}
      {policy.data ? (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(keep);
          }}
        >
          <label>
            Duplicate package files to keep
            <select value={keep} onChange={(event) => setKeep(event.target.value)}>
              {KEEP.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <p className="muted">
            Next run: {keep === 'all' ? 'none (everything is kept)' : formatDate(policy.data.next_run_at)}
          </p>
          <SaveButton save={save} />
        </form>
      ) : null}
    </section>
  );
}
