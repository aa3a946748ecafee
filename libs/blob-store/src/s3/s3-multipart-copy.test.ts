import { planCopyParts } from './s3-multipart-copy';

const GiB = 1024 ** 3;

describe('planCopyParts', () => {
  it('when the size is not a multiple of the part size, then the ranges cover every byte exactly once', () => {
    const parts = planCopyParts(10, 4);

    expect(parts).toEqual([
      { partNumber: 1, start: 0, end: 3 },
      { partNumber: 2, start: 4, end: 7 },
      { partNumber: 3, start: 8, end: 9 },
    ]);
  });

  it('when the object is 6 GiB, then parts are 512 MiB', () => {
    const parts = planCopyParts(6 * GiB);

    expect(parts).toHaveLength(12);
    expect(parts.at(-1)?.end).toBe(6 * GiB - 1);
  });

  it('when the object is 5 TiB, then the plan stays within 10,000 parts', () => {
    const parts = planCopyParts(5 * 1024 * GiB);

    expect(parts.length).toBeLessThanOrEqual(10_000);
    expect(parts.at(-1)?.end).toBe(5 * 1024 * GiB - 1);
  });
});
