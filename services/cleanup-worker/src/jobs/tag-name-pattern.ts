import RE2 from 're2';
import { anchorTagPattern } from '@stowage/registry-data';

/**
 * A client's tag-name pattern as a whole-name test. RE2 runs in linear time, so a hostile
 * pattern cannot stall the worker; the registry API compiled the same pattern the same way
 * before it accepted the request.
 */
export function compileTagNamePattern(source: string): (name: string) => boolean {
  // Alone first: a pattern that only compiles inside the anchors (`a)|(b`) would escape them.
  new RE2(source);
  const pattern = new RE2(anchorTagPattern(source));
  return (name) => pattern.test(name);
}
