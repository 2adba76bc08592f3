import type { INodeProperties } from 'n8n-workflow';

import { smtpAccountField } from '../EmailLabs/helpers/commonFields';
import { LEGACY_ACTIVITY_RETENTION_DAYS, V2_EVENT_LISTING_GAP } from '../EmailLabs/transport/wireAssumptions';
import { EVENT_STREAMS } from './pipeline/streams';
// Literal defaults (n8n's linter wants them); a test keeps them equal to the settings' DEFAULTS.
import { LIMITS } from './pipeline/settings';

// Notices are shown as plain text (n8n strips the markup), so they are written as sentences.
const ABOUT =
	'Reads delivery events from the EmailLabs Legacy API at every poll and starts the workflow with the ones not handled yet. ' +
	'Use it next to an EmailLabs Trigger to catch up what webhooks missed (an event that one of them already started is not started again), or on its own where webhooks cannot reach n8n. ' +
	`EmailLabs keeps opens and clicks for about ${LEGACY_ACTIVITY_RETENTION_DAYS} days.`;

export const V2_UNSUPPORTED_MESSAGE = 'The EmailLabs Catch-Up Trigger needs a Legacy API credential';

export const V2_UNSUPPORTED_DESCRIPTION =
	'With an API v2.1 credential none of these events can be fetched: Delivered, Soft Bounce, Hard Bounce, Spam Bounce, Dropped, Spam Complaint, Injected, Opened, Clicked. ' +
	`${V2_EVENT_LISTING_GAP}. ` +
	'Use an EmailLabs API credential of the Legacy API kind (App Key + Secret Key), or receive the events with the EmailLabs Trigger (webhooks).';

const EVENT_ORDER = [...EVENT_STREAMS].sort((a, b) => a.definition.displayName.localeCompare(b.definition.displayName));

export const catchUpProperties: INodeProperties[] = [
	{
		displayName: ABOUT,
		name: 'aboutNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'EmailLabs API',
		name: 'credentialApi',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Legacy API', value: 'legacy', description: 'App Key + Secret Key (old panel)' },
			{ name: 'API v2.1', value: 'v2', description: 'Application Key + Authorization Key (new panel)' },
		],
		default: 'legacy',
		description: 'The API of the EmailLabs credential above. Only the Legacy API lists events by time.',
	},
	{
		displayName: `${V2_UNSUPPORTED_MESSAGE}. ${V2_UNSUPPORTED_DESCRIPTION}`,
		name: 'v2Notice',
		type: 'notice',
		default: '',
		displayOptions: { show: { credentialApi: ['v2'] } },
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: EVENT_ORDER.map((stream) => ({
			name: stream.definition.displayName,
			value: stream.event,
			description: `${stream.definition.description} (API: ${stream.path})`,
		})),
		// Everything but injected, which comes once per message before anything happens to it.
		default: ['delivered', 'softBounce', 'hardBounce', 'spamBounce', 'dropped', 'spamComplaint', 'opened', 'clicked'],
		required: true,
		description: 'Which events start the workflow. Each one is a separate list in EmailLabs, read at every poll.',
	},
	{
		displayName: 'Start From',
		name: 'startFrom',
		type: 'dateTime',
		default: '',
		description:
			'Where the first poll starts reading (in the workflow time zone). Empty: one hour before the first poll. Changing it starts every event type again from the new time.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Max Events per Poll',
				name: 'maxEventsPerPoll',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: LIMITS.maxEventsPerPoll },
				default: 1000,
				description: 'The most events one poll hands on; the rest follow at the next poll, in order, none skipped',
			},
			{
				displayName: 'Overlap (Minutes)',
				name: 'overlapMinutes',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: LIMITS.maxOverlapMinutes },
				default: 10,
				description: 'How far before the last poll each poll reads again, for events EmailLabs lists late. Events already handed on are recognised and skipped.',
			},
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: LIMITS.maxPageSize },
				default: 500,
				description: 'Rows per API request',
			},
			smtpAccountField({ description: 'Only events of this SMTP (sub)account, e.g. 1.acme.smtp. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.' }),
		],
	},
];
