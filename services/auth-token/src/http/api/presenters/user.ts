import type { User } from '../../../generated/prisma/client';
import { baseUrl } from './namespace';

/**
 * GitLab's user JSON. Everyone gets the basic shape; the user themself and admins also see the
 * email address and the admin flag.
 */
export function presentUser(user: User, externalUrl: string, options: { full: boolean }) {
  const basic = {
    id: user.id,
    username: user.username,
    name: user.name,
    state: user.state,
    locked: false,
    avatar_url: null,
    web_url: `${baseUrl(externalUrl)}/${user.username}`,
    created_at: user.createdAt.toISOString(),
  };
  return options.full ? { ...basic, email: user.email, is_admin: user.admin } : basic;
}
