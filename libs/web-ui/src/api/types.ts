// The fields of the REST API's JSON the pages use (GitLab's names).

export interface User {
  id: number;
  username: string;
  name: string;
  is_admin?: boolean;
  web_url: string;
}

export interface Namespace {
  id: number;
  name: string;
  path: string;
  kind: 'group' | 'user';
  full_path: string;
  web_url: string;
}

export interface Project {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  name_with_namespace: string;
  description: string | null;
  visibility: 'public' | 'internal' | 'private';
  namespace: Namespace;
  web_url: string;
  container_registry_enabled?: boolean;
  container_registry_image_prefix?: string;
  packages_enabled?: boolean;
  permissions?: {
    project_access: { access_level: number } | null;
    group_access: { access_level: number } | null;
  };
  container_expiration_policy?: ContainerCleanupPolicy;
}

export interface Group {
  id: number;
  name: string;
  path: string;
  full_path: string;
  full_name: string;
  visibility: 'public' | 'internal' | 'private';
  web_url: string;
}

export interface ContainerCleanupPolicy {
  cadence: string;
  enabled: boolean;
  keep_n: number | null;
  older_than: string | null;
  name_regex: string | null;
  name_regex_delete: string | null;
  name_regex_keep: string | null;
  next_run_at: string | null;
}

export interface Repository {
  id: number;
  name: string;
  path: string;
  project_id: number;
  location: string;
  created_at: string;
  tags_count?: number;
  size?: number;
  last_published_at?: string | null;
  delete_api_path?: string;
  status: null | 'delete_scheduled' | 'delete_ongoing' | 'delete_failed' | string;
  cleanup_policy_started_at?: string | null;
}

export interface Tag {
  name: string;
  path: string;
  location: string;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface TagDetails extends Tag {
  digest: string;
  revision: string | null;
  total_size: number | null;
  created_at: string | null;
  media_type?: string;
  platforms?: Platform[] | null;
}

export interface Pipeline {
  id: number;
  ref: string | null;
  sha: string | null;
  created_at: string;
  user: { id: number } | null;
}

export interface Package {
  id: number;
  name: string;
  version: string | null;
  package_type: string;
  status: string;
  created_at: string;
  project_id: number;
  project_path: string;
  _links: { web_path: string; delete_api_path?: string };
  pipeline?: Pipeline | null;
}

export interface PackageFile {
  id: number;
  package_id: number;
  file_name: string;
  size: number;
  created_at: string;
  file_md5: string | null;
  file_sha1: string | null;
  file_sha256: string | null;
}

export interface ProxyUpstream {
  name: string;
  url: string;
  prefix: string | null;
  library_prefix: string | null;
  authenticated: boolean;
}

export interface ProxySettings {
  enabled: boolean;
  anonymous_pulls: boolean;
  upstreams: ProxyUpstream[];
  ttl_policy: { enabled: boolean; ttl_days: number };
}

export interface CachedManifest {
  id: number;
  image: string;
  tag: string | null;
  digest: string;
  media_type: string;
  size: number;
  total_size?: number | null;
  upstream: string;
  created_at: string;
  read_at: string | null;
}

export interface ProxyStorage {
  total_size: number;
  image_count: number;
  blob_count: number;
}
