/**
 * Signed webhook delivery of the EmailLabs sandbox, in both EmailLabs formats:
 * - `json` (new panel): POST of a JSON array of events with `X-Webhook-Date`, `Request-Id` and
 *   `X-Webhook-Checksum` = hex SHA-1 of `secretKey|date|requestId`. A retry keeps the Request-Id.
 * - `legacy` (old-panel Event API): form field `p` = base64(JSON array of events) with
 *   `X-EMAILLABS-EV` (NEW_EVENTS, then REPEAT_EVENTS on retries), `X-EMAILLABS-TS`,
 *   `X-EMAILLABS-MT` and `X-EMAILLABS-ID` = hex MD5 of `TS|MT|panelName|secretKey`.
 * A receiver that answers non-2xx, fails or times out gets the batch again after each retry delay.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';

import { formatDate } from './render';

export interface WebhookTarget {
	url: string;
	format: 'json' | 'legacy';
	secretKey: string;
	/** Legacy Event API: the panel (account) name in the X-EMAILLABS-ID hash. */
	panelName?: string;
	basicAuth?: { user: string; password: string };
}

/** One event as the new-panel webhooks send it (the legacy `p` array holds the same objects). */
export interface WebhookEvent {
	smtpAccount: string;
	to: { email: string; name: string; messageId: string };
	from: { email: string; name: string };
	subject: string;
	tags: string[] | null;
	status: string;
	statusTime: number;
	statusDesc: string;
	allStatuses: unknown[];
	url?: string;
	ip?: string;
	userAgent?: string;
}

export interface DeliveryAttempt {
	at: string;
	statusCode?: number;
	error?: string;
	/** The headers sent (the checksum headers, not Basic auth). */
	headers: Record<string, string>;
}

export interface WebhookDelivery {
	id: number;
	requestId: string;
	url: string;
	format: 'json' | 'legacy';
	events: WebhookEvent[];
	state: 'pending' | 'delivered' | 'failed';
	attempts: DeliveryAttempt[];
}

export const PANEL_NAME_DEFAULT = 'sandbox';
const TIMEOUT_MS = 5000;

export function jsonSignature(secretKey: string, date: string, requestId: string): string {
	return createHash('sha1').update(`${secretKey}|${date}|${requestId}`, 'utf8').digest('hex');
}

export function legacySignature(ts: string, mt: string, panelName: string, secretKey: string): string {
	return createHash('md5').update(`${ts}|${mt}|${panelName}|${secretKey}`, 'utf8').digest('hex');
}

export class WebhookDispatcher {
	readonly deliveries: WebhookDelivery[] = [];
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly inFlight = new Set<http.ClientRequest>();
	private nextId = 1;
	private closed = false;

	constructor(
		public targets: WebhookTarget[],
		private readonly retryDelaysMs: number[],
	) {}

	/** Sends one batch of events to every target. */
	dispatch(events: WebhookEvent[]): WebhookDelivery[] {
		if (this.closed || !events.length) return [];
		return this.targets.map((target) => {
			const delivery: WebhookDelivery = {
				id: this.nextId++,
				requestId: randomUUID(),
				url: target.url,
				format: target.format,
				events,
				state: 'pending',
				attempts: [],
			};
			this.deliveries.push(delivery);
			void this.attempt(target, delivery);
			return delivery;
		});
	}

	/** Resolves when no delivery is pending (or the timeout passes); for tests and scripts. */
	async settled(timeoutMs = 5000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (this.deliveries.some((delivery) => delivery.state === 'pending') && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}

	/**
	 * Retention: forgets the oldest finished deliveries whose events are all before `time` (Unix s).
	 * Deliveries are kept in dispatch order, so it stops at the first one still wanted or pending.
	 */
	forgetFinishedBefore(time: number): void {
		let count = 0;
		for (const delivery of this.deliveries) {
			if (delivery.state === 'pending' || delivery.events.some((event) => event.statusTime >= time)) break;
			count++;
		}
		if (count) this.deliveries.splice(0, count);
	}

	reset(): void {
		this.cancel();
		this.deliveries.length = 0;
	}

	close(): void {
		this.closed = true;
		this.cancel();
	}

	private cancel(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const request of this.inFlight) request.destroy();
		this.inFlight.clear();
		for (const delivery of this.deliveries) if (delivery.state === 'pending') delivery.state = 'failed';
	}

	private async attempt(target: WebhookTarget, delivery: WebhookDelivery): Promise<void> {
		const repeat = delivery.attempts.length > 0;
		const now = new Date();
		let body: string;
		const headers: Record<string, string> = { 'User-Agent': 'EmailLabs-Sandbox/1.0' };
		if (target.format === 'legacy') {
			const ts = String(Math.floor(now.getTime() / 1000));
			const mt = `${ts}.${String(now.getMilliseconds() * 1000 + Math.floor(Math.random() * 1000)).padStart(6, '0')}`;
			headers['Content-Type'] = 'application/x-www-form-urlencoded';
			headers['X-EMAILLABS-EV'] = repeat ? 'REPEAT_EVENTS' : 'NEW_EVENTS';
			headers['X-EMAILLABS-TS'] = ts;
			headers['X-EMAILLABS-MT'] = mt;
			headers['X-EMAILLABS-ID'] = legacySignature(ts, mt, target.panelName ?? PANEL_NAME_DEFAULT, target.secretKey);
			body = 'p=' + encodeURIComponent(Buffer.from(JSON.stringify(delivery.events), 'utf8').toString('base64'));
		} else {
			const date = formatDate(now);
			headers['Content-Type'] = 'application/json';
			headers['X-Webhook-Date'] = date;
			headers['Request-Id'] = delivery.requestId;
			headers['X-Webhook-Checksum'] = jsonSignature(target.secretKey, date, delivery.requestId);
			body = JSON.stringify(delivery.events);
		}
		const attempt: DeliveryAttempt = { at: now.toISOString(), headers: { ...headers } };
		delivery.attempts.push(attempt);
		if (target.basicAuth) {
			headers.Authorization = 'Basic ' + Buffer.from(`${target.basicAuth.user}:${target.basicAuth.password}`).toString('base64');
		}
		try {
			attempt.statusCode = await this.post(target.url, headers, body);
		} catch (error) {
			attempt.error = (error as Error).message;
		}
		if (this.closed) return;
		if (attempt.statusCode !== undefined && attempt.statusCode >= 200 && attempt.statusCode < 300) {
			delivery.state = 'delivered';
			return;
		}
		const delay = this.retryDelaysMs[delivery.attempts.length - 1];
		if (delay === undefined) {
			delivery.state = 'failed';
			return;
		}
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			void this.attempt(target, delivery);
		}, delay);
		this.timers.add(timer);
	}

	private post(url: string, headers: Record<string, string>, body: string): Promise<number> {
		return new Promise<number>((resolve, reject) => {
			const parsed = new URL(url);
			const client = parsed.protocol === 'https:' ? https : http;
			const payload = Buffer.from(body, 'utf8');
			const request = client.request(
				parsed,
				{ method: 'POST', headers: { ...headers, 'Content-Length': String(payload.length), Connection: 'close' }, timeout: TIMEOUT_MS },
				(response) => {
					response.resume();
					response.on('end', () => resolve(response.statusCode ?? 0));
					response.on('error', reject);
				},
			);
			this.inFlight.add(request);
			request.on('close', () => this.inFlight.delete(request));
			request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
			request.on('error', reject);
			request.end(payload);
		});
	}
}
