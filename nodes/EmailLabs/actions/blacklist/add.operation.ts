import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { blacklistReasonField, smtpAccountField } from '../../helpers/commonFields';
import { executeEachItem } from '../../helpers/executeItems';
import { optionsCollection } from '../../helpers/options';
import { invalidInput, requireEmail } from '../../helpers/validation';
import type { ApiGeneration, EmailLabsClient } from '../../transport';

const properties: INodeProperties[] = [
	{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', required: true },
	smtpAccountField({ required: true, description: 'The SMTP account whose blacklist gets the address (blacklists are per SMTP account unless the account setting says otherwise). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.' }),
	blacklistReasonField({
		required: true,
		description: 'Why the address is suppressed. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	}),
	optionsCollection([{ displayName: 'Comment', name: 'comment', type: 'string', default: '' }]),
];

export const generations: readonly ApiGeneration[] = ['legacy'];

export const description = updateDisplayOptions({ show: { resource: ['blacklist'], operation: ['add'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const email = requireEmail(this, itemIndex, this.getNodeParameter('email', itemIndex), 'Email');
		const account = String(this.getNodeParameter('smtpAccount', itemIndex, '')).trim();
		const reason = String(this.getNodeParameter('reason', itemIndex, '')).trim();
		if (!account) throw invalidInput(this, itemIndex, 'SMTP Account is required to add an address to the blacklist');
		if (!reason) throw invalidInput(this, itemIndex, 'Reason is required to add an address to the blacklist');
		const comment = this.getNodeParameter('options.comment', itemIndex, '') as string;
		const response = await client.request(
			{ method: 'POST', path: 'blacklists', form: { account, email, reason, comment: comment || undefined } },
			itemIndex,
		);
		return { email, account, reason, added: true, requestId: response.requestId ?? null, data: (response.data ?? null) as never };
	});
}
