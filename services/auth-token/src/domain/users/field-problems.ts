/** Validation problems keyed by field, GitLab's `{"message":{"email":["is invalid"]}}` body. */
export type FieldProblems = Record<string, string[]>;

export function addProblem(problems: FieldProblems, field: string, problem: string | null): void {
  if (problem === null) return;
  (problems[field] ??= []).push(problem);
}

export function hasProblems(problems: FieldProblems): boolean {
  return Object.keys(problems).length > 0;
}
