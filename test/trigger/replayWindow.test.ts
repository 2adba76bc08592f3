import { checkReplayWindow } from '../../nodes/EmailLabsTrigger/pipeline/replayWindow';
import { epochMsFromNumber, IsoFormatter, parseTimestamp } from '../../nodes/EmailLabsTrigger/pipeline/time';

const NOW = Date.UTC(2026, 8, 25, 9, 0, 0);
const HOUR = 3600;

describe('parseTimestamp', () => {
	it('reads YYYY-MM-DD HH:MM:SS as UTC', () => {
		expect(parseTimestamp('2026-09-25 09:00:00')).toBe(NOW);
		expect(parseTimestamp('2026-09-25T09:00:00')).toBe(NOW);
		expect(parseTimestamp('2026-09-25 09:00:00.250')).toBe(NOW + 250);
	});

	it('reads ISO 8601 with zones, RFC 7231 dates and Unix seconds or milliseconds', () => {
		expect(parseTimestamp('2026-09-25T11:00:00+02:00')).toBe(NOW);
		expect(parseTimestamp('2026-09-25T09:00:00Z')).toBe(NOW);
		expect(parseTimestamp('Fri, 25 Sep 2026 09:00:00 GMT')).toBe(NOW);
		expect(parseTimestamp('1790326800')).toBe(NOW);
		expect(parseTimestamp(1790326800)).toBe(NOW);
		expect(parseTimestamp('1790326800000')).toBe(NOW);
		expect(parseTimestamp('1790326800.5')).toBe(NOW + 500);
	});

	it('returns undefined for what is not a date', () => {
		for (const bad of ['', 'yesterday', '2026-13-45 09:00:00', '2026-09-25 24:00:00', '2026-13-45 99:99:99x', null, undefined, {}, -5, Number.NaN]) {
			expect(parseTimestamp(bad)).toBeUndefined();
		}
	});
});

describe('IsoFormatter', () => {
	it('equals Date#toISOString across leap years, month ends, day changes and milliseconds', () => {
		const samples = [0, 951782400000, 951868799999, 951868800000, 1709164800123, 1790326800000, 1790326799999, 4102444799999, 253402300799999];
		for (let ms = 0; ms < 4102444800000; ms += 86_399_997_777) samples.push(ms);
		// One formatter for all samples, as in a batch: its remembered day must never leak.
		const formatter = new IsoFormatter();
		for (const ms of samples) expect(formatter.format(ms)).toBe(new Date(ms).toISOString());
		for (const ms of [...samples].reverse()) expect(formatter.format(ms)).toBe(new Date(ms).toISOString());
	});

	it('falls back to Date outside 1970-9999', () => {
		const formatter = new IsoFormatter();
		expect(formatter.format(-1000)).toBe(new Date(-1000).toISOString());
		expect(formatter.format(253402300800000)).toBe(new Date(253402300800000).toISOString());
	});

	it('epochMsFromNumber tells seconds from milliseconds', () => {
		expect(epochMsFromNumber(1790326800)).toBe(NOW);
		expect(epochMsFromNumber(NOW)).toBe(NOW);
		expect(epochMsFromNumber(-1)).toBeUndefined();
	});
});

describe('checkReplayWindow', () => {
	it('accepts a date inside the window', () => {
		expect(checkReplayWindow('2026-09-25 09:00:00', NOW + 25 * HOUR * 1000, 26 * HOUR)).toEqual({ ok: true, sentAtMs: NOW });
	});

	it('rejects a date older than the window', () => {
		expect(checkReplayWindow('2026-09-25 09:00:00', NOW + 27 * HOUR * 1000, 26 * HOUR)).toEqual({ ok: false, reason: 'stale_date' });
	});

	it('allows up to three hours of clock skew into the future, not more', () => {
		expect(checkReplayWindow('2026-09-25 11:00:00', NOW, 26 * HOUR).ok).toBe(true);
		expect(checkReplayWindow('2026-09-25 12:30:00', NOW, 26 * HOUR)).toEqual({ ok: false, reason: 'future_date' });
	});

	it('rejects an unparseable date with its own reason', () => {
		expect(checkReplayWindow('next tuesday', NOW, 26 * HOUR)).toEqual({ ok: false, reason: 'unparseable_date' });
	});

	it('reads the legacy X-EMAILLABS-TS Unix seconds', () => {
		expect(checkReplayWindow(String(NOW / 1000 - 3600), NOW, 26 * HOUR).ok).toBe(true);
	});
});
