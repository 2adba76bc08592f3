import { createHash } from 'crypto';

import { hexDigestMatches } from './constantTime';
import { CHECKSUM_SEPARATOR, type ChecksumPart, type ChecksumScheme } from './constants';

export type ChecksumParts = Partial<Record<ChecksumPart, string>>;

/** Hex digest of the scheme's parts joined in the scheme's order. */
export function computeChecksum(scheme: ChecksumScheme, parts: ChecksumParts): string {
	const input = scheme.order.map((part) => parts[part] ?? '').join(CHECKSUM_SEPARATOR);
	return createHash(scheme.algorithm).update(input, 'utf8').digest('hex');
}

export function checksumMatches(
	scheme: ChecksumScheme,
	parts: ChecksumParts,
	providedHex: string,
): boolean {
	if (providedHex.length !== scheme.hexLength) return false;
	return hexDigestMatches(computeChecksum(scheme, parts), providedHex);
}
