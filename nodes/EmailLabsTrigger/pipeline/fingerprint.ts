/**
 * A 53-bit non-cryptographic fingerprint of (text, text, integer, text), fed in order without
 * building a joined string. Two 32-bit multiply-xorshift lanes mixed at the end, the construction
 * of bryc's public-domain cyrb53. Used only to recognise repeats, never for security.
 */

const M1 = 2654435761;
const M2 = 1597334677;
/** Fed between values, so that ("ab", "c") and ("a", "bc") differ. */
const SEPARATOR = 0x1f;
const TWO_POW_26 = 67108864;

export function fingerprint(a: string, b: string, n: number, c: string): number {
	// The loops are written out: this runs once per event, and a shared closure over h1/h2 is slower.
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < a.length; i++) {
		const code = a.charCodeAt(i);
		h1 = Math.imul(h1 ^ code, M1);
		h2 = Math.imul(h2 ^ code, M2);
	}
	h1 = Math.imul(h1 ^ SEPARATOR, M1);
	h2 = Math.imul(h2 ^ SEPARATOR, M2);
	for (let i = 0; i < b.length; i++) {
		const code = b.charCodeAt(i);
		h1 = Math.imul(h1 ^ code, M1);
		h2 = Math.imul(h2 ^ code, M2);
	}
	// The integer goes in as two 26-bit halves: exact for any integer up to 2^52.
	const low = n % TWO_POW_26;
	const high = Math.floor(n / TWO_POW_26);
	h1 = Math.imul(Math.imul(h1 ^ SEPARATOR, M1) ^ low, M1);
	h2 = Math.imul(Math.imul(h2 ^ SEPARATOR, M2) ^ low, M2);
	h1 = Math.imul(Math.imul(h1 ^ high, M1) ^ SEPARATOR, M1);
	h2 = Math.imul(Math.imul(h2 ^ high, M2) ^ SEPARATOR, M2);
	for (let i = 0; i < c.length; i++) {
		const code = c.charCodeAt(i);
		h1 = Math.imul(h1 ^ code, M1);
		h2 = Math.imul(h2 ^ code, M2);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	// Never 0: RecentKeys uses 0 to mark an empty slot.
	return 4294967296 * (h2 & 0x1fffff) + (h1 >>> 0) || 1;
}
