import type { UpstreamRegistry } from '../ports/upstream-registry';

/** An upstream as the proxy asks it: settings with the password decrypted. */
export interface ConfiguredUpstream {
  name: string;
  url: string;
  username: string | null;
  password: string | null;
  prefix: string | null;
  libraryPrefix: boolean;
}

export interface UpstreamTarget {
  upstream: UpstreamRegistry;
  /** The image's name on that upstream. */
  image: string;
}

function upstreamImage(upstream: ConfiguredUpstream, image: string): string {
  return upstream.libraryPrefix && !image.includes('/') ? `library/${image}` : image;
}

/**
 * Where to look for `image`, in order. An image under an upstream's prefix
 * (`containers/quay/foo`) goes only to that upstream, without the prefix; any other image goes to
 * the upstreams without a prefix, in the group's order.
 */
export function targetsFor(
  image: string,
  upstreams: ConfiguredUpstream[],
  clientFor: (upstream: ConfiguredUpstream) => UpstreamRegistry,
): UpstreamTarget[] {
  const slash = image.indexOf('/');
  const first = slash === -1 ? null : image.slice(0, slash);
  const owner = first === null ? undefined : upstreams.find((upstream) => upstream.prefix === first);
  if (owner) {
    return [{ upstream: clientFor(owner), image: upstreamImage(owner, image.slice(slash + 1)) }];
  }
  return upstreams
    .filter((upstream) => upstream.prefix === null)
    .map((upstream) => ({ upstream: clientFor(upstream), image: upstreamImage(upstream, image) }));
}
