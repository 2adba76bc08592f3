/**
 * Decoding of `application/x-www-form-urlencoded` bodies and query strings the way PHP fills
 * `$_POST` / `$_GET` (what the EmailLabs API, a PHP service, sees).
 *
 * Rules implemented (PHP's `php_register_variable_ex` behaviour):
 * - pairs are split on `&`, each pair on its first `=`; a pair without `=` has the value "".
 * - `+` is a space and `%XX` sequences are percent-decoded, in keys and values alike; the key is
 *   decoded before its brackets are parsed, so `%5B`/`%5D` act as brackets and `%40` is an `@`.
 * - in the base name (before the first `[`) leading spaces are dropped and `.` and ` ` become `_`
 *   (PHP's historical register_globals mangling); inside brackets everything is kept verbatim,
 *   so `to[jan@x.pl][vars][name]` keeps `jan@x.pl`.
 * - `a[b][c]=v` nests; `a[]=v` appends with the next free integer index (max integer key + 1);
 *   a `[` without a closing `]` turns into `_` and the rest of the name is kept as is; anything
 *   after the last `]` that does not start another `[` is ignored.
 * - a later assignment to the same key wins; assigning below a key that holds a string replaces
 *   the string with a new array.
 * - an empty base name (`=x`, `[a]=1`) is skipped.
 *
 * Arrays are returned as plain objects keyed "0", "1", …; use {@link asList} to turn one into an
 * array. Objects are created without a prototype-based lookup so keys like `__proto__` are safe.
 */

export type PhpValue = string | PhpObject;
export interface PhpObject {
	[key: string]: PhpValue;
}

function decodeComponent(s: string): string {
	const plus = s.replace(/\+/g, ' ');
	try {
		return decodeURIComponent(plus);
	} catch {
		// PHP's urldecode is lenient: decode the valid %XX sequences one by one, keep the rest.
		const bytes: number[] = [];
		for (let i = 0; i < plus.length; i++) {
			const c = plus[i];
			if (c === '%' && /^[0-9a-fA-F]{2}$/.test(plus.slice(i + 1, i + 3))) {
				bytes.push(parseInt(plus.slice(i + 1, i + 3), 16));
				i += 2;
			} else {
				bytes.push(...Buffer.from(c, 'utf8'));
			}
		}
		return Buffer.from(bytes).toString('utf8');
	}
}

function newObject(): PhpObject {
	return Object.create(null) as PhpObject;
}

function isObject(v: unknown): v is PhpObject {
	return typeof v === 'object' && v !== null;
}

/** Next index PHP would use for `[]`: one more than the highest non-negative integer key. */
function nextIndex(obj: PhpObject): string {
	let max = -1;
	for (const k of Object.keys(obj)) {
		if (/^(0|[1-9][0-9]*)$/.test(k)) max = Math.max(max, Number(k));
	}
	return String(max + 1);
}

/** Splits a decoded variable name into its base name and bracket segments (null = `[]`). */
function parseName(name: string): { base: string; segments: Array<string | null> } | undefined {
	let rest = name.replace(/^ +/, '');
	const firstBracket = rest.indexOf('[');
	let base: string;
	const segments: Array<string | null> = [];
	if (firstBracket === -1) {
		base = rest;
		rest = '';
	} else {
		base = rest.slice(0, firstBracket);
		rest = rest.slice(firstBracket);
	}
	base = base.replace(/[. ]/g, '_');

	while (rest.startsWith('[')) {
		const close = rest.indexOf(']');
		if (close === -1) {
			// Unterminated bracket: PHP turns this '[' into '_' and keeps the rest as part of the
			// name, but only when it is the first bracket; otherwise the remainder is dropped.
			if (segments.length === 0) {
				base = `${base}_${rest.slice(1)}`;
			}
			break;
		}
		const inner = rest.slice(1, close);
		segments.push(inner === '' ? null : inner);
		rest = rest.slice(close + 1);
	}
	if (base === '') return undefined;
	return { base, segments };
}

function assign(target: PhpObject, base: string, segments: Array<string | null>, value: string): void {
	if (segments.length === 0) {
		target[base] = value;
		return;
	}
	let current = target;
	let key = base;
	for (const segment of segments) {
		let child = current[key];
		if (!isObject(child)) {
			child = newObject();
			current[key] = child;
		}
		current = child;
		key = segment === null ? nextIndex(current) : segment;
	}
	current[key] = value;
}

function toPlain(obj: PhpObject): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(obj)) {
		Object.defineProperty(out, k, {
			value: isObject(v) ? toPlain(v) : v,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return out;
}

/** Parses an `application/x-www-form-urlencoded` body into what PHP's `$_POST` would hold. */
export function decodePhpForm(body: string): Record<string, unknown> {
	const result = newObject();
	if (!body) return toPlain(result);
	for (const pair of body.split('&')) {
		if (pair === '') continue;
		const eq = pair.indexOf('=');
		const rawKey = eq === -1 ? pair : pair.slice(0, eq);
		const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
		const parsed = parseName(decodeComponent(rawKey));
		if (!parsed) continue;
		assign(result, parsed.base, parsed.segments, decodeComponent(rawValue));
	}
	return toPlain(result);
}

/** Same as {@link decodePhpForm} for a query string (`?a=1&b[]=2`, the leading `?` is optional). */
export function decodePhpQuery(search: string): Record<string, unknown> {
	return decodePhpForm(search.startsWith('?') ? search.slice(1) : search);
}

/**
 * Turns a PHP-style list object (`{"0": a, "1": b}`) into an array ordered by numeric key.
 * Arrays are returned as they are; `undefined`/`null` give `[]`; anything else throws, so a test
 * notices when a value it expects to be a list is a scalar.
 */
export function asList<T = unknown>(value: unknown): T[] {
	if (value === undefined || value === null) return [];
	if (Array.isArray(value)) return value as T[];
	if (typeof value !== 'object') {
		throw new TypeError(`asList: expected a PHP list object, got ${typeof value} ${JSON.stringify(value)}`);
	}
	const entries = Object.entries(value as Record<string, unknown>);
	const numeric = entries.every(([k]) => /^(0|[1-9][0-9]*)$/.test(k));
	if (!numeric) {
		throw new TypeError(`asList: object has non-numeric keys: ${entries.map(([k]) => k).join(', ')}`);
	}
	return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v as T);
}
