import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_TRIES } from '../transport';

/** Every operation's "Options" collection ends with the retry bound, so users can tune it anywhere. */
const maxTriesOption: INodeProperties = {
	displayName: 'Max Tries',
	name: 'maxTries',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 10 },
	default: DEFAULT_MAX_TRIES,
	description:
		'How many times a request is sent when EmailLabs is rate limiting (429) or briefly unavailable (502, 503, 504, connection reset). Waits grow exponentially and honour Retry-After.',
};

export function optionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...extra, maxTriesOption].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

export function getMaxTries(context: IExecuteFunctions, itemIndex = 0): number {
	return context.getNodeParameter('options.maxTries', itemIndex, DEFAULT_MAX_TRIES) as number;
}
