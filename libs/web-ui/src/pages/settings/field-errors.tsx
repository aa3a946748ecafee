import { ApiError } from '../../api/client';

/**
 * The API's per-field refusals (`{"message": {"container_expiration_policy.keep_n": [...]}}`) keyed
 * by the form's field names, so each shows beside its field.
 */
export function fieldErrorsOf(error: unknown, prefix = ''): Record<string, string[]> {
  if (!(error instanceof ApiError)) return {};
  const fields: Record<string, string[]> = {};
  for (const [name, problems] of Object.entries(error.fields)) {
    fields[name.startsWith(prefix) ? name.slice(prefix.length) : name] = problems;
  }
  // `{"error": "keep_n does not have a valid value"}` names its field in the text.
  const match = /^(\w+) (?:is|does|has)/.exec(error.message);
  if (Object.keys(fields).length === 0 && error.status === 400 && match) fields[match[1]!] = [error.message];
  return fields;
}

export function FieldError({ errors, id }: { errors: string[] | undefined; id: string }) {
  if (!errors?.length) return <span id={id} hidden />;
  return (
    <p id={id} className="field-error" role="alert">
      {errors.join('; ')}
    </p>
  );
}
