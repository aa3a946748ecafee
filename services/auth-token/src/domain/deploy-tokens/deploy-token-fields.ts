/** GitLab's rule for custom deploy token usernames. */
const USERNAME = /^[a-zA-Z0-9_.+-]+$/;
export const DEPLOY_TOKEN_USERNAME_MAX_LENGTH = 255;

export function deployTokenUsernameProblem(username: string): string | null {
  if (username.length > DEPLOY_TOKEN_USERNAME_MAX_LENGTH) {
    return `is too long (maximum is ${DEPLOY_TOKEN_USERNAME_MAX_LENGTH} characters)`;
  }
  return USERNAME.test(username) ? null : "can contain only letters, digits, '_', '-', '+', and '.'";
}

/** The username a deploy token logs in with when none was chosen (GitLab's). */
export function defaultDeployTokenUsername(id: number): string {
  return `gitlab+deploy-token-${id}`;
}
