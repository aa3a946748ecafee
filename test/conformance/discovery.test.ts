import { STOP_TIMEOUT_MS } from '../e2e/support/standalone';
import {
  artifactManifest,
  buildImage,
  contentOf,
  emptyConfig,
  imageIndex,
  imageManifest,
  MEDIA_TYPE,
  randomLayer,
  serialize,
  type Content,
  type Descriptor,
  type Manifest,
} from './support/content';
import {
  CATALOG_SCOPE,
  startConformanceWorld,
  WORLD_TIMEOUT_MS,
  type ConformanceWorld,
} from './support/conformance-world';
import { expectOciError, expectStatus, nextLink } from './support/oci-assertions';
import { pushBlob, pushImage, pushManifest } from './support/publish';
import type { RegistryResponse } from './support/registry-client';

// OCI distribution-spec, workflow category "Content Discovery": tags (end-8a, end-8b) with
// paging and Link, the catalog (`/v2/_catalog`, which Stowage offers to administrators), and
// referrers (end-12a, end-12b) with and without the artifactType filter. Runs the compiled
// standalone launcher: `pnpm run build` first.

/** Every character class a tag may hold; sorted, `1.0` < `alpha` < `beta_1` < `latest` < `v10` < `v2`. */
const TAGS = ['v2', 'latest', 'v10', 'alpha', '1.0', 'beta_1'];
const SORTED_TAGS = [...TAGS].sort();

describe('OCI conformance: content discovery', () => {
  let world: ConformanceWorld;

  beforeAll(async () => {
    world = await startConformanceWorld('discovery');
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.stop(), STOP_TIMEOUT_MS);

  const get = (path: string, token: string) => world.registry.send('GET', path, { token });

  /** The `last` and `n` a Link asks for, and its path. */
  const linkParts = (link: string) => {
    const url = new URL(link, world.registry.base);
    return { path: url.pathname, last: url.searchParams.get('last'), n: url.searchParams.get('n') };
  };

  /** Follows `rel="next"` Links from `first`, expecting 200 for each page, and answers the pages. */
  const walkPages = async (first: string, token: string): Promise<RegistryResponse[]> => {
    const fetchPage = async (path: string) => {
      const page = await get(path, token);
      expectStatus(page, 200);
      return page;
    };
    const pages = [await fetchPage(first)];
    for (let link = nextLink(pages[0]!); link !== null; link = nextLink(pages[pages.length - 1]!)) {
      if (pages.length > 50) {
        throw new Error(`more than 50 pages from ${first}: the Links go round in circles`);
      }
      pages.push(await fetchPage(link));
    }
    return pages;
  };

  describe('listing tags (end-8a, end-8b)', () => {
    let repository: string;
    let untagged: string;
    let neverPushed: string;
    let token: string;

    beforeAll(async () => {
      repository = world.repository('tagged');
      untagged = world.repository('untagged');
      neverPushed = world.repository('never-pushed');
      token = await world.rootToken(repository, untagged, neverPushed);
      await pushImage(world.registry, token, repository, buildImage(), ...TAGS);
      await pushImage(world.registry, token, untagged, buildImage());
    }, WORLD_TIMEOUT_MS);

    const tagsPath = (query = '') => `/v2/${repository}/tags/list${query}`;

    it('when every tag is listed, then it answers 200 with the name and all tags in lexical order', async () => {
      const response = await get(tagsPath(), token);

      expectStatus(response, 200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.json()).toEqual({ name: repository, tags: SORTED_TAGS });
    });

    it('when n=2 is asked for, then it answers the first 2 tags and a Link to the next page after the second', async () => {
      const response = await get(tagsPath('?n=2'), token);

      expectStatus(response, 200);
      expect(response.json()).toEqual({ name: repository, tags: SORTED_TAGS.slice(0, 2) });
      const link = nextLink(response);
      expect(link).not.toBeNull();
      expect(linkParts(link!)).toEqual({ path: `/v2/${repository}/tags/list`, last: SORTED_TAGS[1], n: '2' });
    });

    it('when the Links are followed with n=4, then the pages hold every tag once, in order, and the last page has no Link', async () => {
      const pages = await walkPages(tagsPath('?n=4'), token);

      expect(pages.map((page) => page.json<{ tags: string[] }>().tags)).toEqual([
        SORTED_TAGS.slice(0, 4),
        SORTED_TAGS.slice(4),
      ]);
      expect(nextLink(pages[1]!)).toBeNull();
    });

    it.each([
      ['equals the number of tags', TAGS.length],
      ['exceeds the number of tags', TAGS.length + 10],
    ])('when n %s, then it answers every tag and no Link', async (_case, n) => {
      const response = await get(tagsPath(`?n=${n}`), token);

      expectStatus(response, 200);
      expect(response.json()).toEqual({ name: repository, tags: SORTED_TAGS });
      expect(response.headers.get('link')).toBeNull();
    });

    it('when n=0 is asked for, then it answers an empty list and no Link', async () => {
      const response = await get(tagsPath('?n=0'), token);

      expectStatus(response, 200);
      expect(response.json()).toEqual({ name: repository, tags: [] });
      expect(response.headers.get('link')).toBeNull();
    });

    it('when only last is given, then it answers every tag after it', async () => {
      const response = await get(tagsPath(`?last=${SORTED_TAGS[2]}`), token);

      expectStatus(response, 200);
      expect(response.json()).toEqual({ name: repository, tags: SORTED_TAGS.slice(3) });
    });

    it('when n and last are given, then it answers up to n tags after last', async () => {
      const response = await get(tagsPath(`?n=2&last=${SORTED_TAGS[0]}`), token);

      expectStatus(response, 200);
      expect(response.json()).toEqual({ name: repository, tags: SORTED_TAGS.slice(1, 3) });
    });

    it.each(['-1', 'abc', '1.5'])('when n=%s, then it answers 400 PAGINATION_NUMBER_INVALID', async (n) => {
      expectOciError(await get(tagsPath(`?n=${n}`), token), 400, 'PAGINATION_NUMBER_INVALID');
    });

    it('when the repository holds only an untagged manifest, then it answers 200 with no tags', async () => {
      const response = await get(`/v2/${untagged}/tags/list`, token);

      expectStatus(response, 200);
      expect(response.json()).toEqual({ name: untagged, tags: [] });
    });

    it('when nobody ever pushed to the repository, then it answers 404 NAME_UNKNOWN', async () => {
      expectOciError(await get(`/v2/${neverPushed}/tags/list`, token), 404, 'NAME_UNKNOWN');
    });
  });

  describe('listing repositories (GET /v2/_catalog)', () => {
    let pushed: string[];
    let token: string;

    beforeAll(async () => {
      pushed = [world.repository('catalog-c'), world.repository('catalog-a', world.otherProject)];
      pushed.push(`${world.project}/catalog-b/nested/deep`);
      const pushToken = await world.rootToken(...pushed);
      for (const repository of pushed)
        await pushImage(world.registry, pushToken, repository, buildImage(), 'v1');
      token = await world.token(world.root, CATALOG_SCOPE);
    }, WORLD_TIMEOUT_MS);

    const catalog = async (query = '') => {
      const response = await get(`/v2/_catalog${query}`, token);
      expectStatus(response, 200);
      return response;
    };
    const repositoriesOf = (response: RegistryResponse) =>
      response.json<{ repositories: string[] }>().repositories;

    it('when the catalog is listed, then it answers 200 with every pushed repository, in lexical order', async () => {
      const response = await catalog();

      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const repositories = repositoriesOf(response);
      expect(repositories).toEqual(expect.arrayContaining(pushed));
      expect(repositories).toEqual([...repositories].sort());
      expect(new Set(repositories).size).toBe(repositories.length);
    });

    it('when the Links are followed with n=1, then the pages hold the whole catalog one repository each, and each Link names the last one', async () => {
      const whole = repositoriesOf(await catalog());

      const pages = await walkPages('/v2/_catalog?n=1', token);

      expect(pages.map(repositoriesOf)).toEqual(whole.map((repository) => [repository]));
      for (const [index, page] of pages.slice(0, -1).entries()) {
        expect(linkParts(nextLink(page)!)).toEqual({ path: '/v2/_catalog', last: whole[index], n: '1' });
      }
      expect(nextLink(pages[pages.length - 1]!)).toBeNull();
    });

    it('when last is given, then it answers the repositories after it', async () => {
      const whole = repositoriesOf(await catalog());

      const response = await catalog(`?last=${encodeURIComponent(whole[0]!)}`);

      expect(repositoriesOf(response)).toEqual(whole.slice(1));
    });

    it('when n=0 is asked for, then it answers an empty list and no Link', async () => {
      const response = await catalog('?n=0');

      expect(response.json()).toEqual({ repositories: [] });
      expect(response.headers.get('link')).toBeNull();
    });

    it.each(['-1', 'many'])('when n=%s, then it answers 400 PAGINATION_NUMBER_INVALID', async (n) => {
      expectOciError(await get(`/v2/_catalog?n=${n}`, token), 400, 'PAGINATION_NUMBER_INVALID');
    });
  });

  describe('listing referrers (end-12a, end-12b)', () => {
    const SBOM = 'application/vnd.example.sbom.v1';
    const SIGNATURE_CONFIG = 'application/vnd.example.signature.config.v1+json';
    const ATTESTATION = 'application/vnd.example.attestation.v1';

    let repository: string;
    let elsewhere: string;
    let token: string;
    let subject: Manifest;
    /** What the referrers list of `subject` should hold, one per kind of referrer. */
    let expected: { sbom: Descriptor; signature: Descriptor; attestation: Descriptor; index: Descriptor };
    let foreignReferrer: Manifest;

    const describedAs = (manifest: Manifest, extra: Partial<Descriptor>): Descriptor => ({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.size,
      ...extra,
    });

    beforeAll(async () => {
      repository = world.repository('referred');
      elsewhere = world.repository('referred-elsewhere');
      token = await world.rootToken(repository, elsewhere);
      const push = async (manifest: Manifest, ...blobs: Content[]) => {
        for (const blob of blobs) await pushBlob(world.registry, token, repository, blob);
        await pushManifest(world.registry, token, repository, manifest.digest, manifest);
      };

      const image = buildImage();
      await pushImage(world.registry, token, repository, image, 'app');
      subject = image.manifest;

      const empty = emptyConfig();
      const sbomLayer = randomLayer(300, 'application/spdx+json');
      const sbom = imageManifest({
        config: empty,
        layers: [sbomLayer],
        artifactType: SBOM,
        subject,
        annotations: {
          'org.opencontainers.image.created': '2024-01-01T00:00:00Z',
          'org.example.format': 'spdx',
        },
      });
      await push(sbom, empty, sbomLayer);

      const signatureConfig = contentOf(serialize({ signer: 'conformance' }), SIGNATURE_CONFIG);
      const signatureLayer = randomLayer(64, 'application/vnd.example.signature.v1');
      const signature = imageManifest({
        config: signatureConfig,
        layers: [signatureLayer],
        subject,
        annotations: { 'org.example.signed-by': 'conformance' },
      });
      await push(signature, signatureConfig, signatureLayer);

      const attestationBlob = randomLayer(128, 'application/vnd.in-toto+json');
      const attestation = artifactManifest({
        artifactType: ATTESTATION,
        blobs: [attestationBlob],
        subject,
        annotations: { 'org.example.predicate': 'provenance' },
      });
      await push(attestation, attestationBlob);

      const child = buildImage();
      await pushImage(world.registry, token, repository, child);
      const index = imageIndex({
        manifests: [child.manifest],
        subject,
        annotations: { 'org.example.kind': 'bundle' },
      });
      await push(index);

      // Refers to another manifest: must not show up among the subject's referrers.
      const unrelated = buildImage({ subject: child.manifest, artifactType: SBOM });
      await pushImage(world.registry, token, repository, unrelated);

      // The same subject in another repository, with a referrer of its own there.
      await pushImage(world.registry, token, elsewhere, image);
      const foreign = buildImage({ subject, artifactType: SBOM });
      await pushImage(world.registry, token, elsewhere, foreign);
      foreignReferrer = foreign.manifest;

      expected = {
        sbom: describedAs(sbom, {
          artifactType: SBOM,
          annotations: sbom.json.annotations as Record<string, string>,
        }),
        signature: describedAs(signature, {
          artifactType: SIGNATURE_CONFIG,
          annotations: signature.json.annotations as Record<string, string>,
        }),
        attestation: describedAs(attestation, {
          artifactType: ATTESTATION,
          annotations: attestation.json.annotations as Record<string, string>,
        }),
        index: describedAs(index, { annotations: index.json.annotations as Record<string, string> }),
      };
    }, WORLD_TIMEOUT_MS);

    const referrers = (digest: string, query = '') =>
      get(`/v2/${repository}/referrers/${digest}${query}`, token);
    const byDigest = (descriptors: Descriptor[]) =>
      [...descriptors].sort((a, b) => a.digest.localeCompare(b.digest));

    /** A 200 image index answer; returns its descriptors sorted by digest (the spec sets no order). */
    const expectReferrersIndex = (response: RegistryResponse): Descriptor[] => {
      expectStatus(response, 200);
      // Exactly the media type, no `charset` parameter, as the spec's referrers response is described.
      expect(response.headers.get('content-type')).toBe(MEDIA_TYPE.ociIndex);
      const body = response.json<{ schemaVersion: number; mediaType: string; manifests: Descriptor[] }>();
      expect(body).toEqual({
        schemaVersion: 2,
        mediaType: MEDIA_TYPE.ociIndex,
        manifests: expect.any(Array),
      });
      return byDigest(body.manifests);
    };

    it("when a subject's referrers are listed, then it answers an image index describing each, with artifactType and annotations", async () => {
      const response = await referrers(subject.digest);

      expect(expectReferrersIndex(response)).toEqual(byDigest(Object.values(expected)));
      expect(response.headers.get('oci-filters-applied')).toBeNull();
    });

    it('when filtered by an artifactType, then it answers only those referrers and OCI-Filters-Applied: artifactType', async () => {
      const response = await referrers(subject.digest, `?artifactType=${encodeURIComponent(SBOM)}`);

      expect(expectReferrersIndex(response)).toEqual([expected.sbom]);
      expect(response.headers.get('oci-filters-applied')).toBe('artifactType');
    });

    it("when filtered by a config's media type, then it matches manifests whose artifactType comes from their config", async () => {
      const response = await referrers(
        subject.digest,
        `?artifactType=${encodeURIComponent(SIGNATURE_CONFIG)}`,
      );

      expect(expectReferrersIndex(response)).toEqual([expected.signature]);
      expect(response.headers.get('oci-filters-applied')).toBe('artifactType');
    });

    it('when filtered by an artifactType nobody pushed, then it answers an empty index and still says the filter applied', async () => {
      const response = await referrers(subject.digest, '?artifactType=application%2Fvnd.example.nothing');

      expect(expectReferrersIndex(response)).toEqual([]);
      expect(response.headers.get('oci-filters-applied')).toBe('artifactType');
    });

    it('when the subject has no referrers or is unknown, then it answers 200 with an empty index', async () => {
      expect(expectReferrersIndex(await referrers(expected.sbom.digest))).toEqual([]);
      expect(expectReferrersIndex(await referrers(`sha256:${'a'.repeat(64)}`))).toEqual([]);
    });

    it('when the same subject has referrers in another repository, then each repository lists only its own', async () => {
      const here = expectReferrersIndex(await referrers(subject.digest));
      const there = expectReferrersIndex(await get(`/v2/${elsewhere}/referrers/${subject.digest}`, token));

      expect(here.map((each) => each.digest)).not.toContain(foreignReferrer.digest);
      expect(there.map((each) => each.digest)).toEqual([foreignReferrer.digest]);
    });

    it('when the digest is malformed, then it answers 400 DIGEST_INVALID', async () => {
      expectOciError(await referrers('sha256:nothex'), 400, 'DIGEST_INVALID');
    });
  });
});
