import {
	isIpAllowed,
	parseAllowList,
	parseIpAddress,
	parseIpRange,
	resolveClientIp,
} from '../../nodes/EmailLabsTrigger/pipeline/ipAllowList';

const allowed = (ip: string | undefined, list: string) => isIpAllowed(ip, parseAllowList(list).ranges);

describe('IP parsing', () => {
	it('parses IPv4 into the IPv4-mapped IPv6 form', () => {
		expect(Array.from(parseIpAddress('1.2.3.4')!)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
		expect(parseIpAddress('::ffff:1.2.3.4')).toEqual(parseIpAddress('1.2.3.4'));
		expect(parseIpAddress('::ffff:0102:0304')).toEqual(parseIpAddress('1.2.3.4'));
	});

	it('parses IPv6 with compression, brackets, zones and ports', () => {
		expect(parseIpAddress('2001:db8::1')).toEqual(parseIpAddress('2001:0db8:0000:0000:0000:0000:0000:0001'));
		expect(parseIpAddress('::1')![15]).toBe(1);
		expect(parseIpAddress('::')).toEqual(new Uint8Array(16));
		expect(parseIpAddress('[2001:db8::1]:8443')).toEqual(parseIpAddress('2001:db8::1'));
		expect(parseIpAddress('fe80::1%eth0')).toEqual(parseIpAddress('fe80::1'));
		expect(parseIpAddress('10.0.0.1:5678')).toEqual(parseIpAddress('10.0.0.1'));
	});

	it('rejects malformed addresses', () => {
		for (const bad of ['1.2.3', '1.2.3.256', '01.2.3.4', '1.2.3.4.5', '2001:db8:::1', '1:2:3:4:5:6:7:8:9', 'g::1', 'example.com', '']) {
			expect(parseIpAddress(bad)).toBeUndefined();
		}
	});

	it('parses ranges and refuses bad prefixes', () => {
		expect(parseIpRange('10.0.0.0/8')?.prefix).toBe(104);
		expect(parseIpRange('2001:db8::/32')?.prefix).toBe(32);
		expect(parseIpRange('10.0.0.0/33')).toBeUndefined();
		expect(parseIpRange('2001:db8::/129')).toBeUndefined();
		expect(parseIpRange('10.0.0.0/x')).toBeUndefined();
		expect(parseAllowList('10.0.0.0/8, nonsense\n::1').invalid).toEqual(['nonsense']);
	});
});

describe('IP allow-list matching', () => {
	it('matches single IPv4 addresses and CIDR ranges', () => {
		expect(allowed('203.0.113.7', '203.0.113.7')).toBe(true);
		expect(allowed('203.0.113.8', '203.0.113.7')).toBe(false);
		expect(allowed('10.200.3.4', '10.0.0.0/8')).toBe(true);
		expect(allowed('11.0.0.1', '10.0.0.0/8')).toBe(false);
		expect(allowed('192.168.1.130', '192.168.1.128/25')).toBe(true);
		expect(allowed('192.168.1.127', '192.168.1.128/25')).toBe(false);
		expect(allowed('8.8.8.8', '0.0.0.0/0')).toBe(true);
	});

	it('matches IPv4-mapped client addresses against IPv4 entries and the reverse', () => {
		expect(allowed('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
		expect(allowed('::ffff:11.1.2.3', '10.0.0.0/8')).toBe(false);
		expect(allowed('10.1.2.3', '::ffff:10.0.0.0/104')).toBe(true);
		// An IPv4 /0 covers only IPv4, not all of IPv6.
		expect(allowed('2001:db8::1', '0.0.0.0/0')).toBe(false);
	});

	it('matches IPv6 addresses and ranges, including a non-byte-aligned prefix', () => {
		expect(allowed('2001:db8:abcd::1', '2001:db8::/32')).toBe(true);
		expect(allowed('2001:db9::1', '2001:db8::/32')).toBe(false);
		expect(allowed('2001:db8::7', '2001:db8::/125')).toBe(true);
		expect(allowed('2001:db8::8', '2001:db8::/125')).toBe(false);
		expect(allowed('::1', '::1')).toBe(true);
	});

	it('denies unknown or unparseable clients', () => {
		expect(allowed(undefined, '0.0.0.0/0')).toBe(false);
		expect(allowed('not-an-ip', '0.0.0.0/0')).toBe(false);
		expect(allowed('1.2.3.4', '')).toBe(false);
	});
});

describe('client address behind proxies', () => {
	it('ignores X-Forwarded-For without a trusted proxy', () => {
		expect(resolveClientIp('127.0.0.1', '203.0.113.9', 0)).toBe('127.0.0.1');
	});

	it('takes the entry written by our own proxy: right-most for one hop', () => {
		expect(resolveClientIp('10.0.0.2', '203.0.113.9', 1)).toBe('203.0.113.9');
		// The client forged the left entry; the proxy appended the real address.
		expect(resolveClientIp('10.0.0.2', '203.0.113.9, 198.51.100.7', 1)).toBe('198.51.100.7');
	});

	it('counts hops from the right and joins repeated headers', () => {
		expect(resolveClientIp('10.0.0.2', 'forged, 198.51.100.7, 10.0.0.1', 2)).toBe('198.51.100.7');
		expect(resolveClientIp('10.0.0.2', ['forged', '198.51.100.7, 10.0.0.1'], 2)).toBe('198.51.100.7');
	});

	it('has no address when the header is missing or shorter than the hop count', () => {
		expect(resolveClientIp('10.0.0.2', undefined, 1)).toBeUndefined();
		expect(resolveClientIp('10.0.0.2', '198.51.100.7', 2)).toBeUndefined();
	});
});
