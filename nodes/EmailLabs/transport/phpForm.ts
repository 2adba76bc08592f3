/**
 * Encodes nested data as an `application/x-www-form-urlencoded` body exactly as PHP's
 * `http_build_query($data)` does, which is what the legacy EmailLabs API parses:
 * `to[jan@x.pl][vars][name]=Jan` (brackets and `@` percent-encoded), lists with indices
 * (`tags[0]=a`), `true`/`false` as `1`/`0`, and `null`/`undefined` left out.
 */
export type PhpFormValue =
	| string
	| number
	| boolean
	| null
	| undefined
	| PhpFormValue[]
	| { [key: string]: PhpFormValue };

/** PHP `urlencode`: RFC 1738 style, space as `+`, only `A-Za-z0-9-_.` left as they are. */
export function phpUrlEncode(value: string): string {
	return encodeURIComponent(value)
		.replace(/[!'()*~]/g, (char) => '%' + char.charCodeAt(0).toString(16).toUpperCase())
		.replace(/%20/g, '+');
}

function scalarToString(value: string | number | boolean): string {
	if (typeof value === 'boolean') return value ? '1' : '0';
	return String(value);
}

export function encodePhpForm(data: Record<string, PhpFormValue>): string {
	const pairs: string[] = [];
	const visit = (key: string, value: PhpFormValue): void => {
		if (value === null || value === undefined) return;
		if (Array.isArray(value)) {
			value.forEach((entry, index) => visit(`${key}[${index}]`, entry));
		} else if (typeof value === 'object') {
			for (const [childKey, child] of Object.entries(value)) visit(`${key}[${childKey}]`, child);
		} else {
			pairs.push(`${phpUrlEncode(key)}=${phpUrlEncode(scalarToString(value))}`);
		}
	};
	for (const [key, value] of Object.entries(data)) visit(key, value);
	return pairs.join('&');
}
