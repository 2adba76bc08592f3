import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { executeEachItem } from '../../helpers/executeItems';
import { optionsCollection } from '../../helpers/options';
import { requireEmail } from '../../helpers/validation';
import type { ApiGeneration, EmailLabsClient } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		description: 'The address to check against EmailLabs’ list of disposable (temporary) mailbox providers',
	},
	optionsCollection(),
];

export const generations: readonly ApiGeneration[] = ['legacy'];

export const description = updateDisplayOptions({ show: { resource: ['emailAddress'], operation: ['checkDisposable'] } }, properties);

/** The answer's shape is undocumented: a boolean, 0/1 or an object with a flag; read all of them. */
function readDisposableFlag(data: unknown): boolean | null {
	if (typeof data === 'boolean') return data;
	if (typeof data === 'number' || typeof data === 'string') {
		if (['1', 'true', 'yes'].includes(String(data).toLowerCase())) return true;
		if (['0', 'false', 'no'].includes(String(data).toLowerCase())) return false;
		return null;
	}
	if (typeof data === 'object' && data !== null) {
		for (const key of ['is_tmp', 'isTmp', 'tmp', 'disposable', 'is_disposable', 'result']) {
			if (key in data) return readDisposableFlag((data as Record<string, unknown>)[key]);
		}
	}
	return null;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const email = requireEmail(this, itemIndex, this.getNodeParameter('email', itemIndex), 'Email');
		const response = await client.request({ method: 'GET', path: `is_mail_tmp/email/${encodeURIComponent(email)}` }, itemIndex);
		return { email, disposable: readDisposableFlag(response.data), message: response.message ?? null, data: response.data as never };
	});
}
