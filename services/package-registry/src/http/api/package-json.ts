import type { Package, PackageBuildInfo, PackageFile, PackageTag } from '@stowage/package-registry-data';

/** A package file as GitLab's Packages API shows it. */
export function presentPackageFile(file: PackageFile, pipelines: PackageBuildInfo[] = []) {
  return {
    id: file.id,
    package_id: file.packageId,
    created_at: file.createdAt.toISOString(),
    file_name: file.fileName,
    size: Number(file.size),
    file_md5: file.md5,
    file_sha1: file.sha1,
    file_sha256: file.sha256,
    pipelines: pipelines.map(presentPipeline),
  };
}

/** A build info as GitLab's `pipeline` objects show it (what we know of the pipeline). */
export function presentPipeline(build: PackageBuildInfo) {
  return {
    id: build.pipelineId,
    ref: build.ref,
    sha: build.sha,
    created_at: build.createdAt.toISOString(),
    user: build.userId === null ? null : { id: build.userId },
  };
}

export interface PackagePresentation {
  package: Package;
  tags?: PackageTag[];
  buildInfos?: PackageBuildInfo[];
  externalUrl: string;
  /** Whether the caller may delete it: GitLab gives `delete_api_path` only then. */
  canDestroy?: boolean;
}

/** `_links.web_path` (the package's page) and, for callers who may delete it, `delete_api_path`. */
export function packageLinks(pkg: Package, externalUrl: string, canDestroy = true) {
  return {
    web_path: `/${pkg.projectPath}/-/packages/${pkg.id}`,
    ...(canDestroy
      ? { delete_api_path: `${externalUrl}/api/v4/projects/${pkg.projectId}/packages/${pkg.id}` }
      : {}),
  };
}

/** A package as GitLab's Packages API shows it. */
export function presentPackage({
  package: pkg,
  tags = [],
  buildInfos = [],
  externalUrl,
  canDestroy = true,
}: PackagePresentation) {
  const latest = buildInfos[0];
  return {
    id: pkg.id,
    name: pkg.name,
    version: pkg.version,
    package_type: pkg.packageType,
    status: pkg.status,
    _links: packageLinks(pkg, externalUrl, canDestroy),
    created_at: pkg.createdAt.toISOString(),
    last_downloaded_at: null,
    project_id: pkg.projectId,
    project_path: pkg.projectPath,
    tags: tags.map((tag) => ({
      id: tag.id,
      package_id: tag.packageId,
      name: tag.name,
      created_at: tag.createdAt.toISOString(),
      updated_at: tag.updatedAt.toISOString(),
    })),
    ...(latest ? { pipeline: presentPipeline(latest), pipelines: buildInfos.map(presentPipeline) } : {}),
  };
}
