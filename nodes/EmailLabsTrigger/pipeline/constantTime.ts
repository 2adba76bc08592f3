import { createHash, timingSafeEqual } from 'crypto';

/**
 * Compares a hex digest we computed with one a client sent: case-insensitive, length checked
 * first (a digest length is public), then compared in constant time.
 */
export function hexDigestMatches(expectedHex: string, providedHex: string): boolean {
	if (providedHex.length !== expectedHex.length) return false;
	const expected = Buffer.from(expectedHex.toLowerCase(), 'utf8');
	const provided = Buffer.from(providedHex.toLowerCase(), 'utf8');
	return expected.length === provided.length && timingSafeEqual(expected, provided);
}

/**
 * Compares two secrets of any length in constant time. Both sides are hashed first so that
 * neither a length difference nor the position of the first differing byte shows in the timing.
 */
export function secretsMatch(expected: string, provided: string): boolean {
	const a = createHash('sha256').update(expected, 'utf8').digest();
	const b = createHash('sha256').update(provided, 'utf8').digest();
	return timingSafeEqual(a, b);
}
