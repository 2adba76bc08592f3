/**
 * Hostile and malformed requests for the EmailLabs Trigger's production URL: none of them may
 * start an execution. Each kind is generated many times with varying content.
 */
import { createHash, randomUUID } from 'node:crypto';

export interface BadRequest {
	kind: string;
	url: string;
	init: RequestInit;
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sqlDate = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

const event = (n: number) => ({ to: { email: `bad${n}@example.com`, messageId: `<bad-${n}@acme.example>` }, status: 'ok', statusTime: 1790326800 + n });

function signedHeaders(secret: string, requestId: string, date = sqlDate(Date.now())): Record<string, string> {
	return { 'content-type': 'application/json', 'x-webhook-date': date, 'request-id': requestId, 'x-webhook-checksum': sha1(`${secret}|${date}|${requestId}`) };
}

/** About 1,100 requests of 13 kinds. `secret` is the trigger's new-panel SecretKey (also its legacy secret). */
export function badRequests(url: string, secret: string): BadRequest[] {
	const kinds: Array<[string, (n: number) => Omit<BadRequest, 'kind'>]> = [
		['forged checksum', (n) => ({ url, init: { method: 'POST', headers: { ...signedHeaders(secret, randomUUID()), 'x-webhook-checksum': sha1(`guess-${n}`) }, body: JSON.stringify([event(n)]) } })],
		['wrong secret', (n) => ({ url, init: { method: 'POST', headers: signedHeaders(`not-the-secret-${n}`, randomUUID()), body: JSON.stringify([event(n)]) } })],
		['unsigned events', (n) => ({ url, init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([event(n)]) } })],
		['missing request id', (n) => {
			const headers = signedHeaders(secret, randomUUID());
			delete headers['request-id'];
			return { url, init: { method: 'POST', headers, body: JSON.stringify([event(n)]) } };
		}],
		['stale date (replay)', (n) => ({ url, init: { method: 'POST', headers: signedHeaders(secret, randomUUID(), sqlDate(Date.now() - (27 + n % 100) * 3600_000)), body: JSON.stringify([event(n)]) } })],
		['date far in the future', (n) => ({ url, init: { method: 'POST', headers: signedHeaders(secret, randomUUID(), sqlDate(Date.now() + (4 + n % 50) * 3600_000)), body: JSON.stringify([event(n)]) } })],
		['unparseable date', (n) => ({ url, init: { method: 'POST', headers: signedHeaders(secret, randomUUID(), `tomorrow-${n}`), body: JSON.stringify([event(n)]) } })],
		['signed, malformed JSON', (n) => ({ url, init: { method: 'POST', headers: { ...signedHeaders(secret, randomUUID()), 'content-type': 'text/plain' }, body: `[{"status": "ok", ${'"x": '.repeat(n % 7)}` } })],
		['signed, a scalar body', (n) => ({ url, init: { method: 'POST', headers: { ...signedHeaders(secret, randomUUID()), 'content-type': 'text/plain' }, body: String(n) } })],
		['legacy, forged X-EMAILLABS-ID', (n) => {
			const ts = String(Math.floor(Date.now() / 1000));
			return { url, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-emaillabs-ts': ts, 'x-emaillabs-mt': `${ts}.${n}`, 'x-emaillabs-id': md5(`forged-${n}`) }, body: `p=${Buffer.from(JSON.stringify([event(n)])).toString('base64')}` } };
		}],
		['legacy, signed, invalid base64', (n) => {
			const ts = String(Math.floor(Date.now() / 1000));
			const mt = `${ts}.${n}`;
			return { url, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-emaillabs-ts': ts, 'x-emaillabs-mt': mt, 'x-emaillabs-id': md5(`${ts}|${mt}|sandbox|${secret}`) }, body: `p=${'!@#$'.repeat(1 + (n % 5))}` } };
		}],
		['deeply nested JSON', (n) => ({ url, init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '['.repeat(5000 + n) + ']'.repeat(5000 + n) } })],
		['wrong method', (n) => ({ url: `${url}?n=${n}`, init: { method: n % 2 ? 'GET' : 'DELETE' } })],
	];
	const requests: BadRequest[] = [];
	for (let n = 0; requests.length < 1100; n++) {
		const [kind, make] = kinds[n % kinds.length];
		requests.push({ kind, ...make(n) });
	}
	return requests;
}
