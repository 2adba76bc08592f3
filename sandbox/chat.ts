/**
 * Chat-webhook stand-in (Slack-compatible "incoming webhook") for the example flows that post
 * alerts, e.g. "a hard bounce happened" (issue #13): `POST /_sandbox/chat/{channel}` takes what
 * Slack takes (a JSON body, or a form field `payload` holding the JSON) and answers like Slack
 * (`200 ok`, or `400 invalid_payload` / `400 no_text` as text/plain); `GET` lists what a channel
 * received, `DELETE` clears it. Nothing is forwarded anywhere.
 */
import { isPlainObject } from './render';
import type { Reply, Request } from './types';

export interface ChatMessage {
	at: string;
	channel: string;
	/** The `text` field (empty when only blocks / attachments were sent). */
	text: string;
	/** The whole JSON payload (blocks, attachments, username, …). */
	payload: Record<string, unknown>;
}

const CHANNEL = /^[A-Za-z0-9._-]{1,80}$/;
const slackAnswer = (status: number, body: string): Reply => ({ status, body, contentType: 'text/plain; charset=utf-8' });

/** The JSON object of a Slack webhook body, or undefined when it is not one. */
function readPayload(req: Request): Record<string, unknown> | undefined {
	let source = req.raw;
	if (req.contentType.startsWith('application/x-www-form-urlencoded')) source = new URLSearchParams(req.raw).get('payload') ?? '';
	try {
		const parsed: unknown = JSON.parse(source);
		return isPlainObject(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}

export function createChatStandIn() {
	const channels: Record<string, ChatMessage[]> = {};

	/** `channel` is undefined for `/_sandbox/chat` itself (all channels). */
	const handle = (req: Request, channel: string | undefined): Reply => {
		if (channel !== undefined && !CHANNEL.test(channel)) return { status: 400, body: { error: 'A channel name is 1–80 letters, digits, dots, dashes or underscores' } };
		if (req.method === 'GET') {
			if (channel === undefined) return { status: 200, body: Object.fromEntries(Object.entries(channels).map(([name, messages]) => [name, messages.length])) };
			return { status: 200, body: channels[channel] ?? [] };
		}
		if (req.method === 'DELETE') {
			const names = channel === undefined ? Object.keys(channels) : [channel];
			let cleared = 0;
			for (const name of names) {
				cleared += channels[name]?.length ?? 0;
				delete channels[name];
			}
			return { status: 200, body: { cleared } };
		}
		if (req.method === 'POST' && channel !== undefined) {
			const payload = readPayload(req);
			if (!payload) return slackAnswer(400, 'invalid_payload');
			const text = typeof payload.text === 'string' ? payload.text : '';
			if (!text.trim() && !Array.isArray(payload.blocks) && !Array.isArray(payload.attachments)) return slackAnswer(400, 'no_text');
			(channels[channel] ??= []).push({ at: new Date().toISOString(), channel, text, payload });
			return slackAnswer(200, 'ok');
		}
		return { status: 405, body: { error: `Use POST /_sandbox/chat/{channel}, GET or DELETE /_sandbox/chat[/{channel}]` } };
	};

	return {
		channels: channels as Readonly<Record<string, readonly ChatMessage[]>>,
		handle,
		clear() {
			for (const name of Object.keys(channels)) delete channels[name];
		},
	};
}

export type ChatStandIn = ReturnType<typeof createChatStandIn>;
