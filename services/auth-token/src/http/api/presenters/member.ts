import type { Member, User } from '../../../generated/prisma/client';
import { baseUrl } from './namespace';

/** GitLab's member JSON: the user's fields, with the membership's level and dates. */
export function presentMember(member: Member & { user: User }, externalUrl: string) {
  return {
    id: member.user.id,
    username: member.user.username,
    name: member.user.name,
    state: member.user.state,
    avatar_url: null,
    web_url: `${baseUrl(externalUrl)}/${member.user.username}`,
    access_level: member.accessLevel,
    created_at: member.createdAt.toISOString(),
    expires_at: member.expiresAt ? member.expiresAt.toISOString().slice(0, 10) : null,
    membership_state: 'active',
  };
}
