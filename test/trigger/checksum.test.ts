import { checksumMatches, computeChecksum } from '../../nodes/EmailLabsTrigger/pipeline/checksum';
import { LEGACY_CHECKSUM, NEW_PANEL_CHECKSUM } from '../../nodes/EmailLabsTrigger/pipeline/constants';
import { hexDigestMatches, secretsMatch } from '../../nodes/EmailLabsTrigger/pipeline/constantTime';
import { LEGACY_SECRET, md5Hex, PANEL_NAME, SECRET, sha1Hex } from './fixtures';

describe('new-panel checksum: hex SHA-1 of secret|X-Webhook-Date|Request-Id', () => {
	const parts = { secret: SECRET, date: '2026-09-25 09:00:00', requestId: 'req-42' };
	const expected = sha1Hex(`${SECRET}|2026-09-25 09:00:00|req-42`);

	it('computes the digest in the documented order', () => {
		expect(computeChecksum(NEW_PANEL_CHECKSUM, parts)).toBe(expected);
		expect(expected).toHaveLength(40);
	});

	it('accepts the matching digest in either case', () => {
		expect(checksumMatches(NEW_PANEL_CHECKSUM, parts, expected)).toBe(true);
		expect(checksumMatches(NEW_PANEL_CHECKSUM, parts, expected.toUpperCase())).toBe(true);
	});

	it('rejects another secret, date or request id', () => {
		expect(checksumMatches(NEW_PANEL_CHECKSUM, { ...parts, secret: 'other' }, expected)).toBe(false);
		expect(checksumMatches(NEW_PANEL_CHECKSUM, { ...parts, date: '2026-09-25 09:00:01' }, expected)).toBe(false);
		expect(checksumMatches(NEW_PANEL_CHECKSUM, { ...parts, requestId: 'req-43' }, expected)).toBe(false);
	});

	it('rejects other orders, an HMAC and wrong lengths', () => {
		expect(checksumMatches(NEW_PANEL_CHECKSUM, parts, sha1Hex(`2026-09-25 09:00:00|req-42|${SECRET}`))).toBe(false);
		expect(checksumMatches(NEW_PANEL_CHECKSUM, parts, expected.slice(0, 39))).toBe(false);
		expect(checksumMatches(NEW_PANEL_CHECKSUM, parts, `${expected}0`)).toBe(false);
		expect(checksumMatches(NEW_PANEL_CHECKSUM, parts, '')).toBe(false);
	});
});

describe('legacy checksum: hex MD5 of X-EMAILLABS-TS|X-EMAILLABS-MT|panel name|secret', () => {
	const parts = { timestamp: '1790326800', microtime: '1790326800.123456', panelName: PANEL_NAME, secret: LEGACY_SECRET };
	const expected = md5Hex(`1790326800|1790326800.123456|${PANEL_NAME}|${LEGACY_SECRET}`);

	it('computes and accepts the digest', () => {
		expect(computeChecksum(LEGACY_CHECKSUM, parts)).toBe(expected);
		expect(checksumMatches(LEGACY_CHECKSUM, parts, expected.toUpperCase())).toBe(true);
	});

	it('rejects another panel name, secret or timestamp, and the SHA-1 length', () => {
		expect(checksumMatches(LEGACY_CHECKSUM, { ...parts, panelName: 'other' }, expected)).toBe(false);
		expect(checksumMatches(LEGACY_CHECKSUM, { ...parts, secret: 'other' }, expected)).toBe(false);
		expect(checksumMatches(LEGACY_CHECKSUM, { ...parts, microtime: '1790326800.123457' }, expected)).toBe(false);
		expect(checksumMatches(LEGACY_CHECKSUM, parts, sha1Hex('x'))).toBe(false);
	});
});

describe('constant-time comparisons', () => {
	it('hexDigestMatches compares case-insensitively and checks length', () => {
		expect(hexDigestMatches('abcdef', 'ABCDEF')).toBe(true);
		expect(hexDigestMatches('abcdef', 'abcdee')).toBe(false);
		expect(hexDigestMatches('abcdef', 'abcde')).toBe(false);
	});

	it('secretsMatch handles different lengths without throwing', () => {
		expect(secretsMatch('secret', 'secret')).toBe(true);
		expect(secretsMatch('secret', 'secret2')).toBe(false);
		expect(secretsMatch('secret', '')).toBe(false);
		expect(secretsMatch('', '')).toBe(true);
	});
});
