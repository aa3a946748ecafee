import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, request, resource } from '../../api/client';
import { useApi, useWrite } from '../../api/queries';
import type { Namespace } from '../../api/types';
import { paths } from '../../app/routes';
import { ErrorMessage, Loading } from '../../components/Feedback';
import { SaveButton } from '../../components/SaveButton';
import { FieldError, fieldErrorsOf } from './field-errors';

const FORMATS = ['maven', 'generic', 'nuget'] as const;
type Settings = Record<string, boolean | string | null>;

/**
 * Whether a package version may get a second file of the same name: a setting of the project's
 * group, which only the group's Owners may read and change (as on GitLab).
 */
export function DuplicateSettings({ group }: { group: Namespace }) {
  const path = `${resource('groups', group.id)}/packages/settings`;
  const settings = useApi<Settings>(path);
  const [form, setForm] = useState<Settings>({});
  useEffect(() => {
    if (settings.data) setForm(settings.data);
  }, [settings.data]);
  const save = useWrite((values: Settings) => request('PUT', path, { body: values }));
  const errors = fieldErrorsOf(save.error);
  const refused = settings.error instanceof ApiError && [401, 403, 404].includes(settings.error.status);
  return (
    <section aria-labelledby="duplicates-title" className="panel">
      <h2 id="duplicates-title">Duplicate packages</h2>
      {settings.isPending ? <Loading /> : null}
      {refused ? (
        <p>
          These are settings of the group <Link to={paths.group(group.full_path)}>{group.full_path}</Link>;
          only its Owners may change them.
        </p>
      ) : settings.isError ? (
        <ErrorMessage error={settings.error} />
      ) : null}
      {settings.data ? (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(form);
          }}
        >
          {FORMATS.map((format) => (
            <fieldset key={format}>
              <legend>{format === 'nuget' ? 'NuGet' : format[0]!.toUpperCase() + format.slice(1)}</legend>
              <label className="toggle">
                <input
                  type="checkbox"
                  checked={Boolean(form[`${format}_duplicates_allowed`])}
                  onChange={(event) =>
                    setForm((current) => ({
                      ...current,
                      [`${format}_duplicates_allowed`]: event.target.checked,
                    }))
                  }
                />
                Allow duplicates
              </label>
              <label>
                Exceptions (RE2 regular expression)
                <input
                  value={String(form[`${format}_duplicate_exception_regex`] ?? '')}
                  onChange={(event) =>
                    setForm((current) => ({
                      ...current,
                      [`${format}_duplicate_exception_regex`]: event.target.value,
                    }))
                  }
                  aria-describedby={`${format}-regex-error`}
                />
              </label>
              <FieldError
                errors={errors[`${format}_duplicate_exception_regex`]}
                id={`${format}-regex-error`}
              />
            </fieldset>
          ))}
          <SaveButton save={save} errorsShownAtFields={Object.keys(errors).length > 0} />
        </form>
      ) : null}
    </section>
  );
}
