/**
 * How a client proves who it is to the registry, in the forms GitLab accepts: one of its token
 * headers, or Basic with a user name and the token as password (`__token__`, a deploy token's
 * name, `gitlab-ci-token` for job tokens).
 */
export type ClientAuth =
  | { header: 'Private-Token' | 'Deploy-Token' | 'Job-Token'; token: string }
  | { username: string; password: string }
  | 'anonymous';
