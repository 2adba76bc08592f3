/**
 * Shared set-up of the catch-up trigger tests: the real node class polled through n8n-core
 * (harness/runPoll.ts) against the sandbox started in this process.
 */
import type { IDataObject, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { EmailLabsApi } from '../../credentials/EmailLabsApi.credentials';
import { PollHarness } from '../../harness/runPoll';
import { LEGACY_KEYS, V2_KEYS } from '../../harness/emailLabsWire';
import { EmailLabsCatchUpTrigger } from '../../nodes/EmailLabsCatchUpTrigger/EmailLabsCatchUpTrigger.node';
import { CURSOR_STATE_KEY, type CursorState } from '../../nodes/EmailLabsCatchUpTrigger/pipeline/cursor';
import type { NormalisedEvent } from '../../nodes/EmailLabsTrigger/pipeline/normaliseEvent';
import type { Sandbox } from '../../sandbox/server';

export const SANDBOX_OPTIONS = { legacyKeys: LEGACY_KEYS, v2Keys: V2_KEYS, deliveredDelayMs: 5, retryDelaysMs: [60_000] };

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function legacyCredential(sandbox: Sandbox, overrides: IDataObject = {}) {
	return { api: 'legacy', ...LEGACY_KEYS, legacyBaseUrl: `${sandbox.url}/api`, ...overrides };
}

export function v2Credential(sandbox: Sandbox) {
	return { api: 'v2', ...V2_KEYS, v2BaseUrl: `${sandbox.url}/v2.1` };
}

export function catchUpHarness(
	sandbox: Sandbox,
	parameters: INodeParameters,
	credential: IDataObject = legacyCredential(sandbox),
	extra: { timezone?: string; workflowId?: string; staticData?: IDataObject; nodeType?: INodeType } = {},
) {
	return new PollHarness({
		nodeType: extra.nodeType ?? new EmailLabsCatchUpTrigger(),
		credentialTypes: [new EmailLabsApi()],
		credentials: { emailLabsApi: credential as never },
		parameters,
		...(extra.timezone ? { timezone: extra.timezone } : {}),
		...(extra.workflowId ? { workflowId: extra.workflowId } : {}),
		...(extra.staticData ? { staticData: extra.staticData } : {}),
	});
}

/** `YYYY-MM-DDTHH:MM:SS` in a time zone, as n8n's date picker writes Start From. */
export function wallTime(seconds: number, timeZone: string): string {
	const text = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(seconds * 1000));
	return text.replace(' ', 'T');
}

export const events = (items: INodeExecutionData[] | null): NormalisedEvent[] => (items ?? []).map((item) => item.json as unknown as NormalisedEvent);

export const messageIds = (items: INodeExecutionData[] | null): string[] => events(items).map((event) => event.messageId ?? '');

export function cursors(harness: PollHarness): Record<string, number | undefined> {
	const state = harness.nodeStaticData[CURSOR_STATE_KEY] as unknown as CursorState | undefined;
	return Object.fromEntries(Object.entries(state?.streams ?? {}).map(([path, cursor]) => [path, cursor.through]));
}

/** Legacy list calls the sandbox received for a path (newest last). */
export function listCalls(sandbox: Sandbox, path: string) {
	return sandbox.calls.filter((call) => call.api === 'legacy' && call.path.endsWith(`/${path}`));
}
