/**
 * The control API under `/_sandbox/...` (JSON, no auth): look at the state, fire events (one, on
 * demand per message, or in bulk), set the webhook targets, fault rules, retention and latency,
 * reset, and the CRM and chat stand-ins used by the examples.
 */
import type { ChatStandIn } from './chat';
import { BOUNCE_DOMAIN, COMPLAINT_LOCAL_PART } from './constants';
import type { EventDetails } from './events';
import { parseFaultRules, type FaultInjector } from './faults';
import { parseLatencyMs } from './legacyApi';
import { isPlainObject } from './render';
import { parseRetentionSeconds } from './retention';
import type { SandboxState } from './state';
import type { CrmCall, Reply, Request } from './types';
import type { WebhookDispatcher, WebhookTarget } from './webhooks';
import { text } from './wire';

export function parseTargets(value: unknown): WebhookTarget[] {
	const targets = Array.isArray(value) ? value : isPlainObject(value) && Array.isArray(value.targets) ? value.targets : undefined;
	if (!targets) throw new Error('Send an array of webhook targets, or {"targets": [...]}');
	return targets.map((target: unknown, index: number) => {
		if (!isPlainObject(target) || typeof target.url !== 'string') throw new Error(`Target ${index}: url is required`);
		const url = new URL(target.url);
		if (!/^https?:$/.test(url.protocol)) throw new Error(`Target ${index}: only http(s) URLs`);
		const format = target.format === 'legacy' ? 'legacy' : 'json';
		const basicAuth = isPlainObject(target.basicAuth) ? { user: text(target.basicAuth.user), password: text(target.basicAuth.password) } : undefined;
		return { url: target.url, format, secretKey: text(target.secretKey), ...(target.panelName ? { panelName: text(target.panelName) } : {}), ...(basicAuth ? { basicAuth } : {}) };
	});
}

/** The optional url / ip / userAgent of an event request. */
function eventDetails(input: Record<string, unknown>): EventDetails {
	return {
		...(text(input.url) ? { url: text(input.url) } : {}),
		...(text(input.ip) ? { ip: text(input.ip) } : {}),
		...(text(input.userAgent) ? { userAgent: text(input.userAgent) } : {}),
	};
}

export interface ControlDeps {
	state: SandboxState;
	dispatcher: WebhookDispatcher;
	faults: FaultInjector;
	chat: ChatStandIn;
	/** The delay of legacy list answers (shared with the legacy API). */
	listLatency: { ms: number };
	/** The whole sandbox reset (state and fault rules). */
	reset: () => void;
	/** The sandbox's base URL (known once it listens). */
	url: () => string;
}

export function createControlApi({ state, dispatcher, faults, chat, listLatency, reset, url }: ControlDeps): (req: Request, action: string) => Reply {
	const { messages, blacklist, templates, events, calls, crm, smtpAccounts } = state;
	return (req, action) => {
		const json = (status: number, body: unknown): Reply => ({ status, body });
		let body: unknown;
		if (req.raw.length) {
			try {
				body = JSON.parse(req.raw);
			} catch {
				body = req.raw;
			}
		}
		const { method } = req;
		const input = isPlainObject(body) ? body : {};
		try {
			if (method === 'GET' && action === 'messages') {
				// `?limit=n`: the newest n (the page asks for a few, not 100,000 bulk messages).
				const limit = Number(req.query.limit);
				const newest = Number.isInteger(limit) && limit > 0 ? messages.slice(-limit) : [...messages];
				return json(200, newest.reverse());
			}
			const onDemandMatch = /^messages\/(.+)\/(open|click)$/.exec(action);
			if (method === 'POST' && onDemandMatch) {
				const [, messageId, kind] = onDemandMatch;
				if (!state.findMessage(messageId)) return json(404, { error: `No message with id ${messageId}` });
				if (kind === 'click' && !/^https?:\/\/\S+$/.test(text(input.url))) return json(400, { error: 'url (http or https) is required for a click' });
				const { event, deliveries } = state.emitEvent(messageId, kind, eventDetails(input));
				return json(200, { event, deliveries: deliveries.map((delivery) => delivery.id) });
			}
			const messageMatch = /^messages\/(.+)$/.exec(action);
			if (method === 'GET' && messageMatch) {
				const message = state.findMessage(messageMatch[1]);
				return message ? json(200, message) : json(404, { error: `No message with id ${messageMatch[1]}` });
			}
			if (method === 'GET' && action === 'blacklist') return json(200, blacklist);
			if (method === 'GET' && action === 'templates') return json(200, templates);
			if (method === 'GET' && action === 'events') return json(200, events);
			if (method === 'GET' && action === 'calls') return json(200, [...calls].reverse());
			if (method === 'GET' && action === 'webhooks') return json(200, { targets: dispatcher.targets.map(({ basicAuth, ...target }) => ({ ...target, secretKey: target.secretKey ? '(set)' : '', basicAuth: basicAuth ? '(set)' : undefined })), deliveries: [...dispatcher.deliveries].reverse() });
			if (method === 'GET' && action === 'crm') return json(200, crm);
			if (method === 'GET' && action === 'info') {
				const sandboxUrl = url();
				return json(200, { url: sandboxUrl, legacyBaseUrl: `${sandboxUrl}/api`, v2BaseUrl: `${sandboxUrl}/v2.1`, smtpAccounts: smtpAccounts.map((a) => a.name), bounceDomain: BOUNCE_DOMAIN, complaintAddress: `${COMPLAINT_LOCAL_PART}@<any domain>`, webhookTargets: dispatcher.targets.length, retentionSeconds: state.retention.seconds, latencyMs: listLatency.ms });
			}
			if (method === 'POST' && action === 'events') {
				if (!text(input.messageId) || !text(input.status)) return json(400, { error: 'messageId and status are required' });
				const { event, deliveries } = state.emitEvent(text(input.messageId), text(input.status), eventDetails(input));
				return json(200, { event, deliveries: deliveries.map((delivery) => delivery.id) });
			}
			if (method === 'POST' && action === 'events/bulk') return json(200, state.addBulkEvents(input));
			if (action === 'retention' && (method === 'PUT' || method === 'POST')) {
				if (!('seconds' in input)) return json(400, { error: 'Send {"seconds": n} or {"seconds": null} (keep everything)' });
				state.retention.set(parseRetentionSeconds(input.seconds));
			}
			if (action === 'retention' && ['GET', 'PUT', 'POST'].includes(method)) return json(200, { seconds: state.retention.seconds });
			if (action === 'latency' && (method === 'PUT' || method === 'POST')) listLatency.ms = parseLatencyMs(input.ms);
			if (action === 'latency' && ['GET', 'PUT', 'POST'].includes(method)) return json(200, { ms: listLatency.ms });
			const chatMatch = /^chat(?:\/(.+))?$/.exec(action);
			if (chatMatch) return chat.handle(req, chatMatch[1]);
			if (method === 'POST' && action === 'webhook-targets') {
				dispatcher.targets = parseTargets(body);
				return json(200, { targets: dispatcher.targets.length });
			}
			if (action === 'faults') {
				if (method === 'GET') return json(200, faults.report());
				if (method === 'DELETE') {
					faults.clear();
					return json(200, faults.report());
				}
				if (method === 'POST' || method === 'PUT') {
					const { rules, seed } = parseFaultRules(body);
					faults.set(rules, seed);
					return json(200, faults.report());
				}
			}
			if (method === 'POST' && action === 'reset') {
				reset();
				return json(200, { reset: true });
			}
			const crmMatch = /^crm\/contacts\/([^/]+)\/unsubscribe$/.exec(action);
			if (method === 'POST' && crmMatch) {
				const call: CrmCall = { at: new Date().toISOString(), email: crmMatch[1], action: 'unsubscribe', body: body ?? null };
				crm.push(call);
				return json(200, { ok: true, ...call });
			}
		} catch (error) {
			return json(400, { error: (error as Error).message });
		}
		return json(404, { error: `No such control endpoint: ${method} /_sandbox/${action}` });
	};
}
