import type { INodeProperties } from 'n8n-workflow';

import { smtpAccountField } from '../../helpers/commonFields';
import { optionsCollection } from '../../helpers/options';
import { MAX_RECIPIENTS_PER_REQUEST } from '../../helpers/validation';

/** Fields of Send and Send Template, in the order users fill them in. */
export const senderFields: INodeProperties[] = [
	smtpAccountField({ required: true }),
	{ displayName: 'From Email', name: 'fromEmail', type: 'string', placeholder: 'newsletter@acme.com', default: '', required: true },
	{ displayName: 'From Name', name: 'fromName', type: 'string', default: '', placeholder: 'Acme' },
	{
		displayName: 'To',
		name: 'toEmail',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'jan@example.com, "Anna Nowak" <anna@example.com>',
		description: `Recipients, separated by commas (at most ${MAX_RECIPIENTS_PER_REQUEST}). Each one gets their own copy and Message ID.`,
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
		description: 'At most 128 characters. In templates, {{ variables }} work here too.',
	},
];

export const additionalFields: INodeProperties = {
	displayName: 'Additional Fields',
	name: 'additionalFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	options: [
		{
			displayName: 'Attachments',
			name: 'attachments',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Attachment',
			options: [
				{
					displayName: 'Attachment',
					name: 'attachment',
					values: [
						{
							displayName: 'Input Binary Field',
							name: 'binaryPropertyName',
							type: 'string',
							default: 'data',
							description: 'Name of the binary field of the input item holding the file; several can be separated by commas',
						},
						{
							displayName: 'File Name',
							name: 'fileName',
							type: 'string',
							default: '',
							description: 'Overrides the original file name',
						},
						{
							displayName: 'Inline',
							name: 'inline',
							type: 'boolean',
							default: false,
							description: 'Whether this is an inline image, shown in the HTML with &lt;img src="cid:FILE_NAME"&gt;',
						},
					],
				},
			],
		},
		{ displayName: 'BCC', name: 'bcc', type: 'string', default: '', placeholder: 'archive@acme.com', description: 'Blind copies, separated by commas' },
		{ displayName: 'CC', name: 'cc', type: 'string', default: '', description: 'Copies, separated by commas' },
		{
			displayName: 'Headers',
			name: 'headers',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Header',
			description: 'Custom headers, e.g. List-Unsubscribe, or X-TRACKING-OFF = 1 to switch off link tracking',
			options: [
				{
					displayName: 'Header',
					name: 'header',
					values: [
						{ displayName: 'Name', name: 'name', type: 'string', default: '' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Message ID',
			name: 'messageId',
			type: 'string',
			default: '',
			description:
				'Your own Message ID for a single recipient. By default each recipient gets a new UUID@sender-domain, returned in the output and carried by every delivery event.',
		},
		{ displayName: 'Reply To', name: 'replyTo', type: 'string', default: '', placeholder: 'support@acme.com' },
		{ displayName: 'Tags', name: 'tags', type: 'string', default: '', description: 'Comma-separated tags for statistics (128 characters in all)' },
	],
};

const batchingOption: INodeProperties = {
	displayName: 'Batch Items',
	name: 'batching',
	type: 'boolean',
	default: false,
	description:
		'Whether to send items whose message is the same except for the recipients (and their variables) in one API call of up to 200 recipients. Each item still gets its own output and Message IDs.',
};

export function sendOptions(batchingByDefault: boolean, extra: INodeProperties[] = []): INodeProperties {
	return optionsCollection([
		...extra,
		{ ...batchingOption, default: batchingByDefault },
		{
			displayName: 'Max Recipients per Request',
			name: 'maxRecipientsPerRequest',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_RECIPIENTS_PER_REQUEST },
			default: MAX_RECIPIENTS_PER_REQUEST,
			description: 'Upper bound of recipients in one batched API call',
		},
	]);
}
