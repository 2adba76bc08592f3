/** Decodes a persisted RecentKeys state (`packed`: base64 of little-endian float64s) for assertions. */
export function storedKeys(state: unknown): number[] {
	const bytes = Buffer.from((state as { packed: string }).packed, 'base64');
	return Array.from({ length: bytes.length / 8 }, (_, i) => bytes.readDoubleLE(i * 8));
}
