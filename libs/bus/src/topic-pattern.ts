/**
 * AMQP topic matching, the way RabbitMQ's topic exchange does it, so that the in-process bus
 * routes exactly as the broker would: words are separated by dots, `*` matches exactly one
 * word and `#` matches zero or more.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = pattern.split('.');
  const k = routingKey.split('.');
  // matches[i][j]: does p[i..] match k[j..]? Filled backwards; patterns are short, so the
  // table is tiny, and it avoids the exponential blow-up of naive backtracking on `#.#.#`.
  const matches: boolean[][] = Array.from({ length: p.length + 1 }, () =>
    new Array<boolean>(k.length + 1).fill(false),
  );
  matches[p.length]![k.length] = true;
  for (let i = p.length - 1; i >= 0; i--) {
    for (let j = k.length; j >= 0; j--) {
      const word = p[i];
      if (word === '#') {
        matches[i]![j] = matches[i + 1]![j]! || (j < k.length && matches[i]![j + 1]!);
      } else if (j < k.length && (word === '*' || word === k[j])) {
        matches[i]![j] = matches[i + 1]![j + 1]!;
      }
    }
  }
  return matches[0]![0]!;
}
