import { secretsMatch } from './constantTime';

export interface BasicAuthCredentials {
	user: string;
	password: string;
}

/** Reads `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
export function parseBasicAuthHeader(header: string | undefined): BasicAuthCredentials | undefined {
	if (!header) return undefined;
	const space = header.indexOf(' ');
	if (space < 0 || header.slice(0, space).toLowerCase() !== 'basic') return undefined;
	const decoded = Buffer.from(header.slice(space + 1).trim(), 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Both fields are always compared (no short-circuit) so timing does not tell which one was wrong. */
export function basicAuthMatches(
	expected: BasicAuthCredentials,
	header: string | undefined,
): boolean {
	const provided = parseBasicAuthHeader(header);
	const userOk = secretsMatch(expected.user, provided?.user ?? '');
	const passwordOk = secretsMatch(expected.password, provided?.password ?? '');
	return provided !== undefined && userOk && passwordOk;
}
