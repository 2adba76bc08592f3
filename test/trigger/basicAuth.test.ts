import { basicAuthMatches, parseBasicAuthHeader } from '../../nodes/EmailLabsTrigger/pipeline/basicAuth';
import { basicAuthHeader } from './fixtures';

describe('Basic auth', () => {
	const expected = { user: 'emaillabs', password: 'p:ss w0rd' };

	it('parses user and password, keeping colons in the password', () => {
		expect(parseBasicAuthHeader(basicAuthHeader('emaillabs', 'p:ss w0rd'))).toEqual(expected);
		expect(parseBasicAuthHeader(`basic ${Buffer.from('a:b').toString('base64')}`)).toEqual({ user: 'a', password: 'b' });
	});

	it('returns undefined for absent, non-Basic or colon-less headers', () => {
		expect(parseBasicAuthHeader(undefined)).toBeUndefined();
		expect(parseBasicAuthHeader('Bearer abc')).toBeUndefined();
		expect(parseBasicAuthHeader(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
		expect(parseBasicAuthHeader('Basic')).toBeUndefined();
	});

	it('accepts only the configured user and password', () => {
		expect(basicAuthMatches(expected, basicAuthHeader('emaillabs', 'p:ss w0rd'))).toBe(true);
		expect(basicAuthMatches(expected, basicAuthHeader('emaillabs', 'p:ss w0rd!'))).toBe(false);
		expect(basicAuthMatches(expected, basicAuthHeader('EmailLabs', 'p:ss w0rd'))).toBe(false);
		expect(basicAuthMatches(expected, undefined)).toBe(false);
	});

	it('does not accept an empty header for an empty configured password', () => {
		expect(basicAuthMatches({ user: 'u', password: '' }, undefined)).toBe(false);
		expect(basicAuthMatches({ user: 'u', password: '' }, basicAuthHeader('u', ''))).toBe(true);
	});
});
