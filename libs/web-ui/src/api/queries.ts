import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { pageInfoOf, request, type PageInfo, type Query } from './client';

/** A GET of the REST API, cached per path and query; `data` is the body. */
export function useApi<T>(
  path: string | null,
  query: Query = {},
  options: Pick<UseQueryOptions<T>, 'refetchInterval' | 'enabled'> = {},
) {
  return useQuery<T>({
    queryKey: [path, query],
    queryFn: async () => (await request<T>('GET', path!, { query })).data,
    ...options,
    enabled: path !== null && options.enabled !== false,
  });
}

/** A paginated GET: the page's items and GitLab's X-Total / X-Next-Page figures. */
export function usePage<T>(
  path: string | null,
  query: Query,
  options: Pick<UseQueryOptions<{ items: T[]; pageInfo: PageInfo }>, 'refetchInterval'> = {},
) {
  return useQuery<{ items: T[]; pageInfo: PageInfo }>({
    queryKey: [path, query],
    queryFn: async () => {
      const { data, headers } = await request<T[]>('GET', path!, { query });
      return { items: data, pageInfo: pageInfoOf(headers) };
    },
    placeholderData: (previous) => previous,
    ...options,
    enabled: path !== null,
  });
}

/** A write; on success every cached GET is fetched again, so lists show what changed. */
export function useWrite<Input, Output = unknown>(write: (input: Input) => Promise<Output>) {
  const client = useQueryClient();
  return useMutation<Output, Error, Input>({
    mutationFn: write,
    onSuccess: () => client.invalidateQueries(),
  });
}
