/**
 * EmailLabs sandbox: a local, in-memory stand-in for both EmailLabs HTTP APIs ("Mailpit for
 * EmailLabs"). It speaks the wire formats the n8n nodes use (see nodes/EmailLabs/transport and
 * its wireAssumptions.ts for the sources), stores what is sent, and
 * fires signed delivery webhooks back, so workflows can be built and tested without an account.
 *
 * - Legacy API under `/api/...` (legacyApi.ts, legacyLists.ts).
 * - API v2.1 under `/v2.1/...` (v2Api.ts).
 * - Control API under `/_sandbox/...` (controlApi.ts; fault rules in faults.ts, bulk events in
 *   bulkEvents.ts, the chat-webhook stand-in in chat.ts) and a web page at `/`.
 * - State and its changes in state.ts (events sorted by time in eventLog.ts, retention in
 *   retention.ts), the event lists in eventLists.ts, the HTTP shell in http.ts, webhooks in webhooks.ts.
 *
 * This module only puts the parts together and exports the public API.
 * Local test values only: never point real credentials at it, never expose it beyond loopback.
 */
import { createChatStandIn } from './chat';
import { DEFAULT_LEGACY_KEYS, DEFAULT_V2_KEYS } from './constants';
import { createControlApi, parseTargets } from './controlApi';
import { FaultInjector } from './faults';
import { listen } from './http';
import { createLegacyApi, parseLatencyMs } from './legacyApi';
import { parseRetentionSeconds } from './retention';
import { createState } from './state';
import type { Sandbox, SandboxOptions } from './types';
import { createV2Api } from './v2Api';
import { WebhookDispatcher } from './webhooks';

export type { WebhookDelivery, WebhookEvent, WebhookTarget } from './webhooks';
export { jsonSignature, legacySignature } from './webhooks';
export {
	BLACKLIST_REASONS,
	BOUNCE_DOMAIN,
	COMPLAINT_LOCAL_PART,
	DEFAULT_LEGACY_KEYS,
	DEFAULT_V2_KEYS,
	SEED_SMTP_ACCOUNTS,
	SEED_TEMPLATE,
	SEED_TEMPLATES,
	SOFT_BOUNCE_DOMAIN,
} from './constants';
export type {
	ApiCall,
	BlacklistEntry,
	CrmCall,
	Sandbox,
	SandboxEvent,
	SandboxOptions,
	StatusEntry,
	StoredAttachment,
	StoredMessage,
	StoredTemplate,
} from './types';
export type { FaultMode, FaultReport, FaultRule } from './faults';
export type { BulkEventsInput, BulkEventsResult } from './bulkEvents';
export type { ChatMessage } from './chat';

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
	const legacyKeys = opts.legacyKeys ?? DEFAULT_LEGACY_KEYS;
	const v2Keys = opts.v2Keys ?? DEFAULT_V2_KEYS;
	const dispatcher = new WebhookDispatcher([...(opts.webhooks ?? [])], opts.retryDelaysMs ?? [1000, 5000, 15000]);
	const state = createState(dispatcher, { deliveredDelayMs: opts.deliveredDelayMs ?? 200, retentionSeconds: parseRetentionSeconds(opts.retentionSeconds) });
	const listLatency = { ms: parseLatencyMs(opts.latencyMs ?? 0) };
	const faults = new FaultInjector();
	const chat = createChatStandIn();
	// Settings (keys, targets, retention, latency) outlive a reset; data and fault rules do not.
	const reset = () => {
		state.reset();
		faults.clear();
		chat.clear();
	};
	let sandboxUrl = '';
	const shell = await listen({
		host: opts.host ?? '127.0.0.1',
		port: opts.port ?? 0,
		state,
		control: createControlApi({ state, dispatcher, faults, chat, listLatency, reset, url: () => sandboxUrl }),
		legacy: createLegacyApi(state, legacyKeys, listLatency),
		v2: createV2Api(state, v2Keys),
		faults,
		beforeEachRequest: state.retention.purge,
	});
	sandboxUrl = shell.url;
	let closed = false;

	return {
		url: sandboxUrl,
		legacyKeys,
		v2Keys,
		// Getters purge first, so in-process readers see what the HTTP APIs would answer.
		get messages() {
			state.retention.purge();
			return state.messages;
		},
		templates: state.templates,
		blacklist: state.blacklist,
		get events() {
			state.retention.purge();
			return state.events;
		},
		calls: state.calls,
		crm: state.crm,
		get webhooks() {
			return dispatcher.deliveries;
		},
		get faults() {
			return faults.report();
		},
		setWebhookTargets(targets) {
			dispatcher.targets = parseTargets(targets);
		},
		setFaults(rules, seed) {
			faults.set(rules, seed);
		},
		fireEvent: state.fireEvent,
		addBulkEvents: state.addBulkEvents,
		get retentionSeconds() {
			return state.retention.seconds;
		},
		setRetention(seconds) {
			state.retention.set(parseRetentionSeconds(seconds));
		},
		get latencyMs() {
			return listLatency.ms;
		},
		setLatency(ms) {
			listLatency.ms = parseLatencyMs(ms);
		},
		chat: chat.channels,
		webhooksSettled: (timeoutMs) => dispatcher.settled(timeoutMs),
		reset,
		async close() {
			if (closed) return;
			closed = true;
			state.stop();
			dispatcher.close();
			await shell.close();
		},
	};
}
