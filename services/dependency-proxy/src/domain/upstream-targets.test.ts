import type { UpstreamRegistry } from '../ports/upstream-registry';
import { targetsFor, type ConfiguredUpstream } from './upstream-targets';

const upstream = (name: string, extra: Partial<ConfiguredUpstream> = {}): ConfiguredUpstream => ({
  name,
  url: `http://127.0.0.1/${name}`,
  username: null,
  password: null,
  prefix: null,
  libraryPrefix: false,
  ...extra,
});
const client = (settings: ConfiguredUpstream) => ({ name: settings.name }) as UpstreamRegistry;
const names = (image: string, upstreams: ConfiguredUpstream[]) =>
  targetsFor(image, upstreams, client).map((target) => `${target.upstream.name}:${target.image}`);

describe('targetsFor', () => {
  it('when no upstream owns a prefix of the image, then every unprefixed upstream is asked in order', () => {
    const upstreams = [upstream('first'), upstream('quay', { prefix: 'quay' }), upstream('second')];
    expect(names('team/app', upstreams)).toEqual(['first:team/app', 'second:team/app']);
  });

  it('when the first segment is an upstream prefix, then only that upstream is asked, without it', () => {
    const upstreams = [upstream('first'), upstream('quay', { prefix: 'quay' })];
    expect(names('quay/team/app', upstreams)).toEqual(['quay:team/app']);
  });

  it('when an upstream takes library/ and the image has one segment, then it is asked for library/<image>', () => {
    const upstreams = [upstream('hub', { libraryPrefix: true }), upstream('plain')];
    expect(names('alpine', upstreams)).toEqual(['hub:library/alpine', 'plain:alpine']);
    expect(names('team/alpine', upstreams)).toEqual(['hub:team/alpine', 'plain:team/alpine']);
  });

  it('when the image is only a prefix of nothing (one segment equal to a prefix), then it is not routed to that upstream', () => {
    expect(names('quay', [upstream('quay', { prefix: 'quay' })])).toEqual([]);
  });
});
