import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { DEFAULT_MAX_AGE_HOURS } from './pipeline/constants';
import { EVENT_DEFINITIONS } from './pipeline/events';
import { RESPOND_AFTER_RUN, RESPOND_AT_ONCE } from './pipeline/settings';

// Notices are shown as plain text (n8n strips the markup), so the steps are written as sentences.
const SETUP_STEPS =
	'EmailLabs has no API to register webhooks: activate the workflow, then copy this node\'s Production URL (Webhook URLs above) into EmailLabs yourself. ' +
	'New panel: Account → Settings → Webhooks → delivery reports channel → URL → Generate SecretKey → paste it into the EmailLabs Webhook credential → Test → Save (EmailLabs saves only after its Test gets HTTP 200). ' +
	'Old panel: Administrator → API → Event API → Status: On → URL → Save, and put the panel name and secret key into the credential. ' +
	'If the credential has a URL Token, append ?token= and that token to the URL you give EmailLabs. ' +
	'Delivered (ok) events are off by default: ask EmailLabs support (bok@emaillabs.pl) to enable them.';

const SECURITY_NOTICE =
	'Without an EmailLabs Webhook credential nothing is verified: anyone who knows the URL can start this workflow. Select a credential with the SecretKey (and Basic auth, if you set it in EmailLabs).';

export const triggerPanel: INodeTypeDescription['triggerPanel'] = {
	header: 'Copy the Production URL into EmailLabs',
	executionsHelp: {
		inactive:
			'Webhooks have two modes: test and production.<br /><br />' +
			'<b>Use test mode while you build your workflow.</b> Click "Listen for test event" and send one request to the <b>Test URL</b>; it answers only while n8n is listening, so EmailLabs itself should not get it.<br /><br />' +
			'<b>Use production mode to run your workflow automatically.</b> Activate the workflow, then paste the <b>Production URL</b> into EmailLabs (new panel: Account → Settings → Webhooks; old panel: Administrator → API → Event API) and press Test there. Its test call is answered with 200 and starts no execution.',
		active:
			'Your workflow runs for every batch EmailLabs sends to the <b>Production URL</b>, one item per event. Check that the URL is saved in the EmailLabs panel (new panel: Account → Settings → Webhooks; old panel: Administrator → API → Event API). Delivered (ok) events must be enabled by EmailLabs support (bok@emaillabs.pl).',
	},
	activationHint:
		'Once the workflow is active, paste its Production URL into the EmailLabs panel and press Test there: EmailLabs cannot be configured through its API.',
};

export const triggerProperties: INodeProperties[] = [
	{
		displayName: SETUP_STEPS,
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: SECURITY_NOTICE,
		name: 'securityNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: EVENT_DEFINITIONS.map((definition) => ({
			name: definition.displayName,
			value: definition.event,
			description: definition.description,
		})).sort((a, b) => a.name.localeCompare(b.name)),
		// Everything but injected, which fires once per message before anything happens to it.
		default: [
			'delivered',
			'softBounce',
			'hardBounce',
			'spamBounce',
			'dropped',
			'deferred',
			'opened',
			'clicked',
			'spamComplaint',
			'unsubscribed',
		],
		description: 'Which events start the workflow. Other events are acknowledged and dropped.',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'Normalised',
				value: 'normalised',
				description: 'The same fields for every event and both panels, with the original event in "raw"',
			},
			{
				name: 'Raw',
				value: 'raw',
				description: 'Each event exactly as EmailLabs sent it',
			},
		],
		default: 'normalised',
	},
	{
		displayName: 'Respond',
		name: 'respond',
		type: 'options',
		options: [
			{
				name: 'Immediately',
				value: RESPOND_AT_ONCE,
				description:
					'Answer 200 as soon as the events are verified and stored by n8n (fast; events whose run is lost with a crashed worker are not delivered again)',
			},
			{
				name: 'After the Workflow Has Run',
				value: RESPOND_AFTER_RUN,
				description:
					'Answer 200 only when the workflow has finished; a failed or lost run gets an error, so EmailLabs delivers the events again. Every answer waits for the whole run.',
			},
		],
		default: RESPOND_AT_ONCE,
		description: 'When EmailLabs gets its answer. See the README (queue mode) before choosing the second.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Behind Reverse Proxy',
				name: 'behindProxy',
				type: 'boolean',
				default: false,
				description:
					'Whether n8n runs behind a reverse proxy. Only then is X-Forwarded-For read for the IP allow-list, and only the entries added by your own proxies.',
			},
			{
				displayName: 'De-Duplicate Retries',
				name: 'deduplicate',
				type: 'boolean',
				default: true,
				description:
					'Whether to drop events already received (EmailLabs retries a batch after 1 h, 6 h and 24 h). Remembers the last 10,000 request IDs and event keys.',
			},
			{
				displayName: 'Include Unknown Events',
				name: 'includeUnknownEvents',
				type: 'boolean',
				default: false,
				description: 'Whether events with an unknown status run the workflow, with event "other"',
			},
			{
				displayName: 'IP Allow-List',
				name: 'ipAllowList',
				type: 'string',
				default: '',
				placeholder: '203.0.113.0/24, 2001:db8::/32',
				description:
					'Addresses or CIDR ranges (IPv4 or IPv6), separated by commas. Other clients get HTTP 403. Empty allows every address.',
			},
			{
				displayName: 'Proxy Hops',
				name: 'proxyHops',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				description:
					'Number of reverse proxies in front of n8n, used with Behind Reverse Proxy. The client IP is the X-Forwarded-For entry this many places from the right.',
			},
			{
				displayName: 'Replay Window (Hours)',
				name: 'replayWindowHours',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_MAX_AGE_HOURS,
				description:
					'Reject signed requests whose signed date is older than this. EmailLabs retries for up to 24 hours. 0 turns the check off.',
			},
			{
				displayName: 'Run on Test Calls',
				name: 'runOnTestCalls',
				type: 'boolean',
				default: false,
				description:
					'Whether an empty or event-less request (such as the EmailLabs panel Test) starts the workflow, with one item of event "testCall". Unsigned test calls never run when a secret is configured.',
			},
		],
	},
];
