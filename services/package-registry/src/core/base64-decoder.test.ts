import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { Base64Decoder } from './base64-decoder';

function decode(pieces: string[]): Promise<Buffer> {
  return buffer(Readable.from(pieces, { objectMode: true }).pipe(new Base64Decoder()));
}

describe('Base64Decoder', () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) % 256));
  const text = bytes.toString('base64');

  it.each([1, 2, 3, 5, 7, 64])(
    'when the text arrives in pieces of %i characters, then the bytes come out whole',
    async (size) => {
      const pieces: string[] = [];
      for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
      expect((await decode(pieces)).equals(bytes)).toBe(true);
    },
  );

  it('when the text ends with padding split across pieces, then it decodes', async () => {
    expect((await decode(['YW', 'I='])).toString()).toBe('ab');
    expect((await decode(['YQ=', '='])).toString()).toBe('a');
  });

  it.each([
    ['a character outside base64', ['YWJj', 'ZA!=']],
    ['data after padding', ['YQ==', 'YWJj']],
    ['an incomplete final quantum', ['YWJjZ']],
    ['whitespace', ['YWJj ZGVm']],
  ])('when the text has %s, then the stream fails with a 400', async (_what, pieces) => {
    await expect(decode(pieces)).rejects.toMatchObject({ status: 400 });
  });
});
