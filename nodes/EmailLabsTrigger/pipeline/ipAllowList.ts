/**
 * IP allow-list for the webhook. Addresses are compared as 16-byte IPv6 values; IPv4 becomes its
 * IPv4-mapped form (::ffff:a.b.c.d), so `1.2.3.4`, `::ffff:1.2.3.4` and a v4 CIDR all compare alike.
 */

export interface IpRange {
	bytes: Uint8Array;
	/** Prefix length in bits over the 16-byte form. */
	prefix: number;
}

export interface ParsedAllowList {
	ranges: IpRange[];
	invalid: string[];
}

const IPV4_MAPPED_PREFIX_BITS = 96;

function parseIpv4Into(text: string, out: Uint8Array, offset: number): boolean {
	const parts = text.split('.');
	if (parts.length !== 4) return false;
	for (let i = 0; i < 4; i++) {
		const part = parts[i];
		// Leading zeros are refused: some parsers read them as octal.
		if (!/^(0|[1-9]\d{0,2})$/.test(part)) return false;
		const value = Number(part);
		if (value > 255) return false;
		out[offset + i] = value;
	}
	return true;
}

function parseIpv6Groups(text: string): number[] | undefined {
	if (text === '') return [];
	const groups: number[] = [];
	const parts = text.split(':');
	for (let i = 0; i < parts.length; i++) {
		const part = parts[i];
		if (i === parts.length - 1 && part.includes('.')) {
			const v4 = new Uint8Array(4);
			if (!parseIpv4Into(part, v4, 0)) return undefined;
			groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
		} else {
			if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
			groups.push(parseInt(part, 16));
		}
	}
	return groups;
}

function parseIpv6(text: string): Uint8Array | undefined {
	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const head = parseIpv6Groups(halves[0]);
	const tail = halves.length === 2 ? parseIpv6Groups(halves[1]) : [];
	if (!head || !tail) return undefined;
	const explicit = head.length + tail.length;
	if (halves.length === 2 ? explicit > 7 : explicit !== 8) return undefined;
	const groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...tail];
	const bytes = new Uint8Array(16);
	groups.forEach((group, i) => {
		bytes[i * 2] = group >> 8;
		bytes[i * 2 + 1] = group & 0xff;
	});
	return bytes;
}

function mappedIpv4(text: string): Uint8Array | undefined {
	const bytes = new Uint8Array(16);
	bytes[10] = 0xff;
	bytes[11] = 0xff;
	return parseIpv4Into(text, bytes, 12) ? bytes : undefined;
}

/** Parses an IPv4 or IPv6 address (brackets and a zone suffix such as `%eth0` are accepted). */
export function parseIpAddress(text: string): Uint8Array | undefined {
	let address = text.trim();
	// Proxies may write `[v6]:port` or `v4:port` into X-Forwarded-For.
	const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
	if (bracketed) address = bracketed[1];
	else if (address.indexOf(':') === address.lastIndexOf(':') && address.includes('.')) {
		address = address.split(':')[0];
	}
	const zone = address.indexOf('%');
	if (zone >= 0) address = address.slice(0, zone);
	return address.includes(':') ? parseIpv6(address) : mappedIpv4(address);
}

export function parseIpRange(entry: string): IpRange | undefined {
	const slash = entry.indexOf('/');
	const addressText = slash < 0 ? entry : entry.slice(0, slash);
	const bytes = parseIpAddress(addressText);
	if (!bytes) return undefined;
	const isV4 = !addressText.includes(':');
	const maxPrefix = isV4 ? 32 : 128;
	if (slash < 0) return { bytes, prefix: 128 };
	const prefixText = entry.slice(slash + 1).trim();
	if (!/^\d{1,3}$/.test(prefixText)) return undefined;
	const prefix = Number(prefixText);
	if (prefix > maxPrefix) return undefined;
	return { bytes, prefix: isV4 ? prefix + IPV4_MAPPED_PREFIX_BITS : prefix };
}

/** Entries are separated by commas, spaces or new lines. */
export function parseAllowList(text: string): ParsedAllowList {
	const ranges: IpRange[] = [];
	const invalid: string[] = [];
	for (const entry of text.split(/[\s,]+/)) {
		if (entry === '') continue;
		const range = parseIpRange(entry);
		if (range) ranges.push(range);
		else invalid.push(entry);
	}
	return { ranges, invalid };
}

function ipInRange(address: Uint8Array, range: IpRange): boolean {
	const fullBytes = range.prefix >> 3;
	for (let i = 0; i < fullBytes; i++) {
		if (address[i] !== range.bytes[i]) return false;
	}
	const restBits = range.prefix & 7;
	if (restBits === 0) return true;
	const mask = (0xff << (8 - restBits)) & 0xff;
	return (address[fullBytes] & mask) === (range.bytes[fullBytes] & mask);
}

export function isIpAllowed(ip: string | undefined, ranges: readonly IpRange[]): boolean {
	if (ip === undefined) return false;
	const address = parseIpAddress(ip);
	return address !== undefined && ranges.some((range) => ipInRange(address, range));
}

/**
 * The client address to check against the allow-list.
 *
 * Without a trusted proxy, only the TCP peer address counts and X-Forwarded-For is ignored
 * (any client can write that header). With `trustedProxyHops` = N reverse proxies in front of
 * n8n, each proxy appends the address it received the request from, so the N-th entry from the
 * RIGHT is the one written by our own outermost proxy: the client as that proxy saw it.
 * Entries further left were supplied by the client and are never trusted (taking the left-most
 * entry would let anyone pass the allow-list by sending `X-Forwarded-For: <allowed ip>`).
 * Fewer entries than hops means the request did not pass through all proxies: no address.
 */
export function resolveClientIp(
	socketAddress: string | undefined,
	forwardedFor: string | string[] | undefined,
	trustedProxyHops: number,
): string | undefined {
	if (trustedProxyHops <= 0) return socketAddress;
	const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
	if (!header) return undefined;
	const hops = header
		.split(',')
		.map((hop) => hop.trim())
		.filter((hop) => hop !== '');
	if (hops.length < trustedProxyHops) return undefined;
	return hops[hops.length - trustedProxyHops];
}
