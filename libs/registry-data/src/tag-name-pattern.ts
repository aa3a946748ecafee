import RE2 from 're2';
import { anchorTagPattern } from './tag-cleanup-rules';

/** RE2 refused a client's tag-name pattern; `message` is RE2's reason. */
export class InvalidTagNamePatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTagNamePatternError';
  }
}

/**
 * A client's tag-name pattern as a whole-name test, compiled with RE2: linear time, so no
 * pattern can stall the API or a worker. The bare pattern is compiled first: one that only
 * compiles inside the anchors (`a)|(b`) would escape them. The registry API checks patterns with
 * this before it accepts a request, and the cleanup-worker compiles them with it.
 */
export function compileTagNamePattern(source: string): (name: string) => boolean {
  let pattern: RE2;
  try {
    new RE2(source);
    pattern = new RE2(anchorTagPattern(source));
  } catch (error) {
    throw new InvalidTagNamePatternError(error instanceof Error ? error.message : String(error));
  }
  return (name) => pattern.test(name);
}
