import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import type { ContainersCli } from '@stowage/testing';
import { succeeded } from '../client-runs';
import { OciLayout, otherPlatform, type Descriptor, type LayoutImage } from '../oci-layout';

/**
 * The images the proxy tests pull, built from random bytes in OCI layouts and pushed into the
 * upstreams with skopeo. `image` is the name a client puts after `dependency_proxy/containers/`.
 */
export interface UpstreamImage {
  /** The name after `.../dependency_proxy/containers/`. */
  image: string;
  tag: string;
  /** The digest of what the tag names on the upstream (a manifest or an index). */
  digest: string;
  /** The blobs a pull of it fetches (config first), for single-platform images. */
  blobs: Descriptor[];
}

export interface UpstreamIndex extends UpstreamImage {
  local: LayoutImage;
  other: LayoutImage;
}

const MiB = 1024 * 1024;
const SMALL_BYTES = 64 * 1024;

/** Where a pushed image goes: an upstream's host and, for a Stowage upstream, credentials. */
export interface PushTarget {
  host: string;
  credentials?: string;
}

/** Builds and pushes the images a scenario needs; `workDir` holds the layouts. */
export class UpstreamImageBuilder {
  constructor(
    private readonly skopeo: ContainersCli['skopeo'],
    private readonly workDir: string,
  ) {}

  private async push(layout: OciLayout, tag: string, target: PushTarget, repository: string) {
    const args = ['copy', '--all', '--dest-tls-verify=false'];
    if (target.credentials) args.push('--dest-creds', target.credentials);
    args.push(`oci:${layout.dir}:${tag}`, `docker://${target.host}/${repository}:${tag}`);
    succeeded(await this.skopeo(args, { timeoutMs: 180_000 }), `skopeo copy to ${repository}:${tag}`);
  }

  private layout = async () => OciLayout.create(await mkdtemp(path.join(this.workDir, 'layout-')));

  /**
   * One image of one random layer of `layerBytes` pushed to `repository:tag`; `image` is what a
   * client asks the proxy for (default the repository itself).
   */
  async single(
    target: PushTarget,
    repository: string,
    tag: string,
    options: { layerBytes?: number; image?: string } = {},
  ): Promise<UpstreamImage> {
    const layout = await this.layout();
    const built = await layout.addImage(options.layerBytes ?? SMALL_BYTES);
    await layout.tag(tag, built.manifest);
    await this.push(layout, tag, target, repository);
    return {
      image: options.image ?? repository,
      tag,
      digest: built.manifest.digest,
      blobs: [built.config, ...built.layers],
    };
  }

  /** An index of two images: one for the local engine's platform and one for another. */
  async multiArch(target: PushTarget, repository: string, tag: string): Promise<UpstreamIndex> {
    const layout = await this.layout();
    const local = await layout.addImage(SMALL_BYTES);
    const other = await layout.addImage(SMALL_BYTES, otherPlatform());
    const index = await layout.addIndex([local, other]);
    await layout.tag(tag, index);
    await this.push(layout, tag, target, repository);
    return { image: repository, tag, digest: index.digest, blobs: [], local, other };
  }
}

export const LARGE_LAYER_BYTES = 200 * MiB;
