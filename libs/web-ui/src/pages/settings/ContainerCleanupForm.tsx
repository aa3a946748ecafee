import { useState, type FormEvent } from 'react';
import { ApiError, request, resource } from '../../api/client';
import { useApi, useWrite } from '../../api/queries';
import type { ContainerCleanupPolicy, Project } from '../../api/types';
import { ErrorMessage, Loading } from '../../components/Feedback';
import { SaveButton } from '../../components/SaveButton';
import { formatDate } from '../../components/format';
import { FieldError, fieldErrorsOf } from './field-errors';

// The values the API accepts (libs/registry-data cleanup-policy.ts), in GitLab's words.
const CADENCES: [string, string][] = [
  ['1d', 'Every day'],
  ['7d', 'Every week'],
  ['14d', 'Every two weeks'],
  ['1month', 'Every month'],
  ['3month', 'Every three months'],
];
const KEEP_N: [string, string][] = [
  ['', 'Any number'],
  ['1', '1 tag per image name'],
  ['5', '5 tags per image name'],
  ['10', '10 tags per image name'],
  ['25', '25 tags per image name'],
  ['50', '50 tags per image name'],
  ['100', '100 tags per image name'],
];
const OLDER_THAN: [string, string][] = [
  ['', 'Never'],
  ['7d', '7 days'],
  ['14d', '14 days'],
  ['30d', '30 days'],
  ['90d', '90 days'],
];

interface Preview {
  repository_id: number;
  path: string;
  tags_to_delete_count: number;
  tags_to_delete: string[];
}

type Form = {
  enabled: boolean;
  cadence: string;
  keep_n: string;
  older_than: string;
  name_regex_delete: string;
  name_regex_keep: string;
};

function formOf(policy: ContainerCleanupPolicy | undefined): Form {
  return {
    enabled: policy?.enabled ?? false,
    cadence: policy?.cadence ?? '1d',
    keep_n: policy?.keep_n ? String(policy.keep_n) : '',
    older_than: policy?.older_than ?? '',
    name_regex_delete: policy?.name_regex_delete ?? policy?.name_regex ?? '',
    name_regex_keep: policy?.name_regex_keep ?? '',
  };
}

/** The container image cleanup policy: saved through the project API, as GitLab does. */
export function ContainerCleanupForm({ project }: { project: Project }) {
  const [form, setForm] = useState<Form>(() => formOf(project.container_expiration_policy));
  const projectPath = resource('projects', project.id);
  const saved = useApi<Project>(projectPath);
  const policy = saved.data?.container_expiration_policy ?? project.container_expiration_policy;
  const preview = useApi<Preview[]>(`${projectPath}/registry/cleanup_policy/preview`);
  const save = useWrite((values: Form) =>
    request<Project>('PUT', projectPath, {
      body: {
        container_expiration_policy_attributes: {
          enabled: values.enabled,
          cadence: values.cadence,
          keep_n: values.keep_n ? Number(values.keep_n) : null,
          older_than: values.older_than || null,
          name_regex_delete: values.name_regex_delete,
          name_regex_keep: values.name_regex_keep,
        },
      },
    }),
  );
  const runNow = useWrite(() => request('POST', `${projectPath}/registry/cleanup_policy/run`));
  const errors = fieldErrorsOf(save.error, 'container_expiration_policy.');
  const set = <K extends keyof Form>(name: K, value: Form[K]) =>
    setForm((current) => ({ ...current, [name]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(form);
  };
  if (!policy && saved.isPending) return <Loading />;

  return (
    <section aria-labelledby="container-cleanup-title" className="panel">
      <h2 id="container-cleanup-title">Container image cleanup policy</h2>
      <p className="muted">
        Deletes tags on a schedule. Next run:{' '}
        {policy?.enabled ? formatDate(policy.next_run_at) : 'not scheduled (the policy is off)'}.
      </p>
      <form className="form" onSubmit={submit} noValidate>
        <label className="toggle">
          <input
            type="checkbox"
            checked={form.enabled}
            onChange={(event) => set('enabled', event.target.checked)}
          />
          Enabled
        </label>
        <FieldError errors={errors.enabled} id="enabled-error" />
        <label>
          Run cleanup
          <select
            value={form.cadence}
            onChange={(event) => set('cadence', event.target.value)}
            aria-describedby="cadence-error"
          >
            {CADENCES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <FieldError errors={errors.cadence} id="cadence-error" />
        <fieldset>
          <legend>Keep these tags</legend>
          <label>
            Keep the most recent
            <select
              value={form.keep_n}
              onChange={(event) => set('keep_n', event.target.value)}
              aria-describedby="keep_n-error"
            >
              {KEEP_N.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <FieldError errors={errors.keep_n} id="keep_n-error" />
          <label>
            Keep tags matching (RE2 regular expression)
            <input
              value={form.name_regex_keep}
              onChange={(event) => set('name_regex_keep', event.target.value)}
              aria-invalid={Boolean(errors.name_regex_keep)}
              aria-describedby="name_regex_keep-error"
              placeholder="e.g. (?:v.+|main|release)"
            />
          </label>
          <FieldError errors={errors.name_regex_keep} id="name_regex_keep-error" />
        </fieldset>
        <fieldset>
          <legend>Remove these tags</legend>
          <label>
            Remove tags older than
            <select
              value={form.older_than}
              onChange={(event) => set('older_than', event.target.value)}
              aria-describedby="older_than-error"
            >
              {OLDER_THAN.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <FieldError errors={errors.older_than} id="older_than-error" />
          <label>
            Remove tags matching (RE2 regular expression)
            <input
              value={form.name_regex_delete}
              onChange={(event) => set('name_regex_delete', event.target.value)}
              aria-invalid={Boolean(errors.name_regex_delete ?? errors.name_regex)}
              aria-describedby="name_regex_delete-error"
              placeholder="e.g. .* for every tag"
            />
          </label>
          <FieldError errors={errors.name_regex_delete ?? errors.name_regex} id="name_regex_delete-error" />
        </fieldset>
        <SaveButton save={save} errorsShownAtFields={Object.keys(errors).length > 0} />
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={runNow.isPending || !policy?.enabled}
            onClick={() => runNow.mutate(undefined)}
          >
            Run cleanup now
          </button>
        </div>
        {runNow.isSuccess ? (
          <p role="status">Cleanup scheduled; the image repositories show its progress.</p>
        ) : null}
        {runNow.isError ? <ErrorMessage error={runNow.error} /> : null}
      </form>
      <h3>What the next run would delete</h3>
      <p className="muted">With the saved policy. Save to see the effect of changes.</p>
      {preview.isPending ? <Loading /> : null}
      {preview.isError ? (
        preview.error instanceof ApiError && preview.error.status === 404 ? null : (
          <ErrorMessage error={preview.error} />
        )
      ) : null}
      {preview.data?.every((entry) => entry.tags_to_delete_count === 0) ? (
        <p>Nothing: no tag matches the policy.</p>
      ) : null}
      <ul>
        {preview.data
          ?.filter((entry) => entry.tags_to_delete_count > 0)
          .map((entry) => (
            <li key={entry.repository_id}>
              <strong>{entry.path}</strong>: {entry.tags_to_delete_count} tags (
              {entry.tags_to_delete.slice(0, 10).join(', ')}
              {entry.tags_to_delete_count > 10 ? ', …' : ''})
            </li>
          ))}
      </ul>
    </section>
  );
}
