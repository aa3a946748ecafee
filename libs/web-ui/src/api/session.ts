import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, csrfToken, request } from './client';
import type { User } from './types';

const VIEWER_KEY = ['viewer'];

/**
 * Who is looking: the signed-in user, or null for an anonymous visitor (no session, or one that
 * expired or was signed out elsewhere; the API then treats the browser as anonymous).
 */
export function useViewer() {
  return useQuery<User | null>({
    queryKey: VIEWER_KEY,
    queryFn: async () => {
      // Signing in sets the CSRF cookie beside the session's: without it there is no session to
      // ask about, and an anonymous visitor's pages make no request that is bound to fail.
      if (!csrfToken()) return null;
      try {
        return (await request<User>('GET', '/api/v4/user')).data;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useSessionActions() {
  const client = useQueryClient();
  return {
    async signIn(login: string, password: string): Promise<User> {
      const { data } = await request<User>('POST', '/users/sign_in', { body: { login, password } });
      // Everything cached so far was fetched as somebody else.
      client.clear();
      client.setQueryData(VIEWER_KEY, data);
      return data;
    },
    async signOut(): Promise<void> {
      await request('POST', '/users/sign_out');
      client.clear();
      client.setQueryData(VIEWER_KEY, null);
    },
  };
}
