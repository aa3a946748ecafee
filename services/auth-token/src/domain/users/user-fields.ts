import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords';
import { NAME_MAX_LENGTH, pathProblem } from '../paths';
import { addProblem, type FieldProblems } from './field-problems';

export const EMAIL_MAX_LENGTH = 255;
// Deliberately loose, as GitLab's devise check is: one @, something either side, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export interface UserFields {
  username?: string;
  email?: string;
  name?: string;
  password?: string;
}

function emailProblem(email: string): string | null {
  if (email.length === 0) return "can't be blank";
  if (email.length > EMAIL_MAX_LENGTH) return `is too long (maximum is ${EMAIL_MAX_LENGTH} characters)`;
  return EMAIL.test(email) ? null : 'is invalid';
}

function nameProblem(name: string): string | null {
  if (name.trim().length === 0) return "can't be blank";
  return name.length > NAME_MAX_LENGTH ? `is too long (maximum is ${NAME_MAX_LENGTH} characters)` : null;
}

function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `is too short (minimum is ${PASSWORD_MIN_LENGTH} characters)`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `is too long (maximum is ${PASSWORD_MAX_LENGTH} characters)`;
  return null;
}

/** What is wrong with the given fields on their own (uniqueness is checked against the database). */
export function userFieldProblems(fields: UserFields): FieldProblems {
  const problems: FieldProblems = {};
  // A username is its personal namespace's top-level path, so the path rules apply.
  if (fields.username !== undefined)
    addProblem(problems, 'username', pathProblem(fields.username, { topLevel: true }));
  if (fields.email !== undefined) addProblem(problems, 'email', emailProblem(fields.email));
  if (fields.name !== undefined) addProblem(problems, 'name', nameProblem(fields.name));
  if (fields.password !== undefined) addProblem(problems, 'password', passwordProblem(fields.password));
  return problems;
}
