/** Calls to one running sandbox for tests: legacy API, API v2.1, control API, a send and a paged read. */
import { DEFAULT_LEGACY_KEYS, DEFAULT_V2_KEYS, type Sandbox } from '../../sandbox/server';
import { call, type HttpAnswer } from './http';

type Options = Parameters<typeof call>[1];

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function sandboxClient(sandbox: Sandbox) {
	const legacy = (path: string, options: Options = {}) =>
		call(`${sandbox.url}/api/${path}`, { auth: [DEFAULT_LEGACY_KEYS.appKey, DEFAULT_LEGACY_KEYS.secretKey], ...options });
	return {
		legacy,
		v2: (path: string) => call(`${sandbox.url}/v2.1/${path}`, { headers: { 'Application-Key': DEFAULT_V2_KEYS.applicationKey, Authorization: DEFAULT_V2_KEYS.authorizationSecret } }),
		control: (path: string, options: Options = {}) => call(`${sandbox.url}/_sandbox/${path}`, options),
		/** A legacy new_sendmail to one recipient with a chosen Message-ID; resolves once stored. */
		async send(email: string, messageId: string, extra: Record<string, string> = {}): Promise<void> {
			const body = new URLSearchParams({
				smtp_account: '1.sandbox.smtp',
				subject: 'Hello',
				from: 'shop@acme.pl',
				from_name: 'Acme',
				html: '<p>Hi</p>',
				[`to[${email}][message_id]`]: messageId,
				[`to[${email}][reciver_name]`]: 'Receiver',
				...extra,
			}).toString();
			const answer = await legacy('new_sendmail', { body });
			if (answer.status !== 200) throw new Error(`send failed: ${answer.text}`);
		},
		/**
		 * Every row of a legacy list, `limit` rows per page, until a page comes back short or 404;
		 * `betweenPages` runs after each page (e.g. to add events meanwhile).
		 */
		async readAll(path: string, query: Record<string, string | number>, limit: number, betweenPages?: () => Promise<unknown>): Promise<{ rows: any[]; pages: HttpAnswer[] }> {
			const rows: any[] = [];
			const pages: HttpAnswer[] = [];
			for (let offset = 0; ; offset += limit) {
				const search = new URLSearchParams(Object.entries({ ...query, offset, limit }).map(([key, value]): [string, string] => [key, String(value)]));
				const page = await legacy(`${path}?${search.toString()}`);
				pages.push(page);
				if (page.status === 404) break;
				if (page.status !== 200) throw new Error(`${path} answered ${page.status}: ${page.text}`);
				rows.push(...page.body.data);
				if (page.body.data.length < limit) break;
				await betweenPages?.();
			}
			return { rows, pages };
		},
	};
}

/** `created_at` text (UTC) as Unix seconds. */
export const unixOf = (dateText: string) => Date.parse(dateText.replace(' ', 'T') + 'Z') / 1000;
