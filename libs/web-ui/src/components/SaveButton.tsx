import type { UseMutationResult } from '@tanstack/react-query';
import { ErrorMessage } from './Feedback';

/**
 * A form's Save button with what became of the last save: "Saved.", or the API's refusal unless
 * the form shows it at its fields (`errorsShownAtFields`).
 */
export function SaveButton({
  save,
  errorsShownAtFields = false,
}: {
  save: Pick<UseMutationResult<unknown, Error, never>, 'isPending' | 'isError' | 'isSuccess' | 'error'>;
  errorsShownAtFields?: boolean;
}) {
  return (
    <>
      {save.isError && !errorsShownAtFields ? <ErrorMessage error={save.error} /> : null}
      {save.isSuccess ? <p role="status">Saved.</p> : null}
      <button type="submit" className="button primary" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save'}
      </button>
    </>
  );
}
