import { createHash, randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ParameterReader } from '../../helpers/parameters';
import {
	MAX_NAME_LENGTH,
	MAX_RECIPIENTS_PER_REQUEST,
	MAX_SUBJECT_LENGTH,
	MAX_TAGS_LENGTH,
	checkLength,
	invalidInput,
	parseAddresses,
	requireEmail,
} from '../../helpers/validation';
import { bareMessageId, type Attachment, type MessageKind, type Recipient, type SharedMessage } from '../../transport/message';

export interface PreparedMessage {
	itemIndex: number;
	shared: SharedMessage;
	/** Identical for items whose SharedMessage is identical. */
	batchKey: string;
	recipients: Recipient[];
}

/** `<uuid>@<sender domain>`: unique per recipient, so delivery events can be matched back to the send. */
function generateMessageId(fromEmail: string): string {
	return `${randomUUID()}@${fromEmail.split('@')[1]}`;
}

/** `a.b` names become nested objects, so templates can use {{ a.b }} from a flat key/value list. */
export function nestVariables(pairs: Array<{ name?: string; value?: unknown }>): IDataObject {
	const result: IDataObject = {};
	for (const { name, value } of pairs) {
		if (!name) continue;
		const path = name.split('.').filter(Boolean);
		let target = result;
		for (const key of path.slice(0, -1)) {
			if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
			target = target[key] as IDataObject;
		}
		target[path[path.length - 1]] = value as IDataObject[string];
	}
	return result;
}

function readJsonObject(context: IExecuteFunctions, itemIndex: number, value: unknown, fieldName: string): IDataObject {
	if (value === undefined || value === null || value === '') return {};
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw invalidInput(context, itemIndex, `${fieldName} is not valid JSON: ${(error as Error).message}`, 'Write an object, e.g. {"firstName": "Jan"}.');
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw invalidInput(context, itemIndex, `${fieldName} must be a JSON object, e.g. {"firstName": "Jan"}`);
	}
	return parsed as IDataObject;
}

function readTags(context: IExecuteFunctions, itemIndex: number, value: unknown): string[] {
	const tags = (Array.isArray(value) ? value.map(String) : String(value ?? '').split(','))
		.map((tag) => tag.trim())
		.filter(Boolean);
	checkLength(context, itemIndex, tags.join(','), MAX_TAGS_LENGTH, 'Tags (all together)');
	return tags;
}

async function readAttachments(context: IExecuteFunctions, itemIndex: number, entries: IDataObject[]): Promise<Attachment[]> {
	const attachments: Attachment[] = [];
	for (const entry of entries) {
		const propertyNames = String(entry.binaryPropertyName ?? '')
			.split(',')
			.map((name) => name.trim())
			.filter(Boolean);
		for (const propertyName of propertyNames) {
			const binary = context.helpers.assertBinaryData(itemIndex, propertyName);
			const buffer = await context.helpers.getBinaryDataBuffer(itemIndex, propertyName);
			attachments.push({
				fileName: (entry.fileName as string) || binary.fileName || `${propertyName}${binary.fileExtension ? '.' + binary.fileExtension : ''}`,
				mimeType: binary.mimeType || 'application/octet-stream',
				content: buffer.toString('base64'),
				inline: entry.inline === true,
			});
		}
	}
	return attachments;
}

/** Reads and checks one item's message; every problem is reported before anything is sent. */
export async function prepareMessage(
	context: IExecuteFunctions,
	readParameter: ParameterReader,
	itemIndex: number,
	kind: MessageKind,
): Promise<PreparedMessage> {
	const param = <T>(name: string, fallback?: T) => readParameter<T>(name, itemIndex, fallback);
	const fields = param<IDataObject>('additionalFields', {});

	const smtpAccount = String(param('smtpAccount', '') ?? '').trim();
	if (!smtpAccount) throw invalidInput(context, itemIndex, 'SMTP Account is required', 'Choose the EmailLabs SMTP account to send from.');
	const fromEmail = requireEmail(context, itemIndex, param('fromEmail'), 'From Email');
	const fromName = param<string>('fromName', '') || undefined;
	checkLength(context, itemIndex, fromName, MAX_NAME_LENGTH, 'From Name');
	const subject = String(param('subject', '') ?? '');
	if (!subject.trim()) throw invalidInput(context, itemIndex, 'Subject is required');
	checkLength(context, itemIndex, subject, MAX_SUBJECT_LENGTH, 'Subject');

	const to = parseAddresses(context, itemIndex, param('toEmail'), 'To');
	if (!to.length) throw invalidInput(context, itemIndex, 'To needs at least one recipient');
	if (to.length > MAX_RECIPIENTS_PER_REQUEST) {
		throw invalidInput(
			context,
			itemIndex,
			`To has ${to.length} recipients; EmailLabs accepts at most ${MAX_RECIPIENTS_PER_REQUEST} per message`,
			'Split the recipients into several items (one per recipient works best, and batching groups them again).',
		);
	}
	const seen = new Set<string>();
	for (const { email } of to) {
		if (seen.has(email.toLowerCase())) throw invalidInput(context, itemIndex, `To lists ${email} twice`);
		seen.add(email.toLowerCase());
	}
	for (const address of to) checkLength(context, itemIndex, address.name, MAX_NAME_LENGTH, 'Recipient name');

	const shared: SharedMessage = {
		kind,
		smtpAccount,
		from: { email: fromEmail, ...(fromName ? { name: fromName } : {}) },
		subject,
		replyTo: fields.replyTo ? requireEmail(context, itemIndex, fields.replyTo, 'Reply To') : undefined,
		cc: parseAddresses(context, itemIndex, fields.cc, 'CC'),
		bcc: parseAddresses(context, itemIndex, fields.bcc, 'BCC'),
		headers: Object.fromEntries(
			(((fields.headers as IDataObject)?.header as IDataObject[]) ?? [])
				.filter((header) => header.name)
				.map((header) => [String(header.name).trim(), String(header.value ?? '')]),
		),
		tags: readTags(context, itemIndex, fields.tags),
		attachments: await readAttachments(context, itemIndex, ((fields.attachments as IDataObject)?.attachment as IDataObject[]) ?? []),
	};

	let vars: IDataObject | undefined;
	if (kind === 'sendTemplate') {
		shared.templateId = String(param('templateId', '') ?? '').trim();
		if (!shared.templateId) throw invalidInput(context, itemIndex, 'Template ID is required');
		vars =
			param<string>('variablesMode', 'keyValue') === 'json'
				? readJsonObject(context, itemIndex, param('variablesJson', '{}'), 'Variables (JSON)')
				: nestVariables(((param<IDataObject>('variablesUi', {}).variable as IDataObject[]) ?? []) as Array<{ name?: string; value?: unknown }>);
		const globalVars = readJsonObject(context, itemIndex, param('options.globalVariablesJson', ''), 'Global Variables (JSON)');
		if (Object.keys(globalVars).length) shared.globalVars = globalVars;
	} else {
		const html = param<string>('html', '');
		const text = param<string>('text', '');
		if (!html.trim() && !text.trim()) {
			throw invalidInput(context, itemIndex, 'The email has no body', 'Fill in HTML, Text or both.');
		}
		if (html.trim()) shared.html = html;
		if (text.trim()) shared.text = text;
	}

	const customMessageId = bareMessageId(String(fields.messageId ?? ''));
	if (customMessageId && to.length > 1) {
		throw invalidInput(context, itemIndex, 'A custom Message ID works only with one recipient per item', 'Leave Message ID empty to get one generated per recipient.');
	}
	const recipients: Recipient[] = to.map((address) => ({
		...address,
		messageId: customMessageId || generateMessageId(fromEmail),
		...(vars ? { vars } : {}),
	}));

	const batchKey = createHash('sha1').update(JSON.stringify(shared)).digest('hex');
	return { itemIndex, shared, batchKey, recipients };
}
