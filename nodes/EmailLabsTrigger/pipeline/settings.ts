import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_MAX_AGE_HOURS } from './constants';
import { EVENT_DEFINITIONS, type EmailLabsEvent } from './events';
import { parseAllowList, type IpRange } from './ipAllowList';

/** What the pipeline does with a request, from the node's parameters. */
export interface TriggerSettings {
	events: ReadonlySet<EmailLabsEvent>;
	includeUnknown: boolean;
	output: 'normalised' | 'raw';
	runOnTestCalls: boolean;
	deduplicate: boolean;
	/** Answer only after the workflow has run (n8n's response mode `lastNode`): a failed run gets no 2xx. */
	respondAfterRun: boolean;
	/** Maximum age of the signed send time; null turns the replay window off. */
	maxAgeSeconds: number | null;
	/** null: every address is allowed. */
	ipAllowList: readonly IpRange[] | null;
	/** Reverse proxies in front of n8n whose X-Forwarded-For entries are trusted; 0 ignores the header. */
	trustedProxyHops: number;
}

export type SettingsResult = { ok: true; settings: TriggerSettings } | { ok: false; message: string };

/** Values of the Respond parameter: n8n's own response modes, so the webhook description reads it as is. */
export const RESPOND_AT_ONCE = 'onReceived';
export const RESPOND_AFTER_RUN = 'lastNode';

const KNOWN_EVENTS = new Set<string>(EVENT_DEFINITIONS.map((definition) => definition.event));

/** Turns the node's parameters into pipeline settings; an invalid IP allow-list is a configuration error. */
export function readTriggerSettings(events: unknown, output: unknown, options: IDataObject, respond: unknown = RESPOND_AT_ONCE): SettingsResult {
	const selected = new Set<EmailLabsEvent>();
	if (Array.isArray(events)) {
		for (const event of events) if (typeof event === 'string' && KNOWN_EVENTS.has(event)) selected.add(event as EmailLabsEvent);
	}

	let ipAllowList: TriggerSettings['ipAllowList'] = null;
	if (typeof options.ipAllowList === 'string' && options.ipAllowList.trim() !== '') {
		const parsed = parseAllowList(options.ipAllowList);
		if (parsed.invalid.length > 0) {
			return { ok: false, message: `IP Allow-List has invalid entries: ${parsed.invalid.join(', ')}` };
		}
		ipAllowList = parsed.ranges;
	}

	const hours = typeof options.replayWindowHours === 'number' ? options.replayWindowHours : DEFAULT_MAX_AGE_HOURS;
	const hops = typeof options.proxyHops === 'number' ? Math.max(1, Math.trunc(options.proxyHops)) : 1;

	return {
		ok: true,
		settings: {
			events: selected,
			includeUnknown: options.includeUnknownEvents === true,
			output: output === 'raw' ? 'raw' : 'normalised',
			runOnTestCalls: options.runOnTestCalls === true,
			deduplicate: options.deduplicate !== false,
			respondAfterRun: respond === RESPOND_AFTER_RUN,
			maxAgeSeconds: hours > 0 ? hours * 3600 : null,
			ipAllowList,
			trustedProxyHops: options.behindProxy === true ? hops : 0,
		},
	};
}

/** n8n's getNodeParameter of whichever context, bound to the item (if it takes one). */
export type ParameterReader = (name: 'events' | 'output' | 'options' | 'respond', fallback: unknown) => unknown;

/** The trigger's settings from its parameters. */
export function readNodeSettings(parameter: ParameterReader): SettingsResult {
	return readTriggerSettings(
		parameter('events', []),
		parameter('output', 'normalised'),
		parameter('options', {}) as IDataObject,
		parameter('respond', RESPOND_AT_ONCE),
	);
}
