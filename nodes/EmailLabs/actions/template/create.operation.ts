import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { smtpAccountField } from '../../helpers/commonFields';
import { executeEachItem } from '../../helpers/executeItems';
import { optionsCollection } from '../../helpers/options';
import { invalidInput } from '../../helpers/validation';
import type { ApiGeneration, EmailLabsClient, RequestSpec } from '../../transport';
import type { PhpFormValue } from '../../transport/phpForm';
import { LEGACY_TEMPLATE_TEXT_FIELDS } from '../../transport/wireAssumptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		description: 'Template name (API v2.1 only; the legacy API stores templates without a name)',
	},
	{
		displayName: 'HTML',
		name: 'html',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		description: 'HTML body. Variables are written {{ firstName }} and filled per recipient when sending.',
	},
	{ displayName: 'Text', name: 'text', type: 'string', typeOptions: { rows: 4 }, default: '', description: 'Plain-text alternative' },
	optionsCollection([
		{ displayName: 'External ID', name: 'externalId', type: 'string', default: '', description: 'Your own identifier for the template (API v2.1 only)' },
		smtpAccountField({ description: 'SMTP account the template belongs to (API v2.1 only). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.' }),
	]),
];

export const generations: readonly ApiGeneration[] = ['legacy', 'v2'];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['create'] } }, properties);

function readTemplateId(data: unknown): string | null {
	if (typeof data === 'string' || typeof data === 'number') return String(data);
	if (Array.isArray(data)) return readTemplateId(data[0]);
	if (typeof data === 'object' && data !== null) {
		const record = data as IDataObject;
		const id = record.template_id ?? record.templateId ?? record.id;
		return id === undefined || id === null ? null : String(id);
	}
	return null;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const html = this.getNodeParameter('html', itemIndex) as string;
		const text = this.getNodeParameter('text', itemIndex, '') as string;
		const name = this.getNodeParameter('name', itemIndex, '') as string;
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		if (!html.trim()) throw invalidInput(this, itemIndex, 'HTML is required to create a template');
		let body: Pick<RequestSpec, 'form' | 'json'>;
		if (client.generation === 'legacy') {
			const form: Record<string, PhpFormValue> = { html };
			if (text) for (const field of LEGACY_TEMPLATE_TEXT_FIELDS) form[field] = text;
			body = { form };
		} else {
			if (!name.trim()) throw invalidInput(this, itemIndex, 'Name is required to create a template with API v2.1');
			const json: IDataObject = { name, html };
			if (text) json.text = text;
			if (options.externalId) json.externalId = options.externalId;
			if (options.smtpAccount) json.smtpAccount = options.smtpAccount;
			body = { json };
		}
		const response = await client.request({ method: 'POST', path: client.wire.paths.createTemplate, ...body }, itemIndex);
		return { templateId: readTemplateId(response.data), requestId: response.requestId ?? null };
	});
}
