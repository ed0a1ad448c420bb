import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether a presented secret (a header value, a posted token) equals the expected one, in time
 * that depends on neither: both are hashed first, so the compared buffers always have the same
 * length (timingSafeEqual never throws) and nothing about a prefix or the length leaks. An empty
 * expected value matches nothing.
 */
export function secretMatches(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented)) && expected.length > 0;
}
