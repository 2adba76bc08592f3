import { planBatches } from '../../nodes/EmailLabs/actions/email/batching';
import type { PreparedMessage } from '../../nodes/EmailLabs/actions/email/message';
import { nestVariables } from '../../nodes/EmailLabs/actions/email/message';

const shared = (subject: string) => ({
	kind: 'sendTemplate' as const,
	smtpAccount: '1.acme.smtp',
	from: { email: 'a@acme.pl' },
	subject,
	cc: [],
	bcc: [],
	headers: {},
	tags: [],
	attachments: [],
});

function message(itemIndex: number, emails: string[], key = 'k1'): PreparedMessage {
	return {
		itemIndex,
		shared: shared(key),
		batchKey: key,
		recipients: emails.map((email, index) => ({ email, messageId: `${itemIndex}-${index}@acme.pl` })),
	};
}

describe('planBatches', () => {
	it('groups 1,000 one-recipient items into 5 calls of 200', () => {
		const messages = Array.from({ length: 1000 }, (_, i) => message(i, [`u${i}@x.pl`]));
		const batches = planBatches(messages, { enabled: true, maxRecipients: 200 });
		expect(batches.map((batch) => batch.recipientCount)).toEqual([200, 200, 200, 200, 200]);
		expect(batches.flatMap((batch) => batch.messages.map((m) => m.itemIndex))).toEqual(messages.map((m) => m.itemIndex));
	});

	it('sends one call per item when batching is off', () => {
		const batches = planBatches([message(0, ['a@x.pl']), message(1, ['b@x.pl'])], { enabled: false, maxRecipients: 200 });
		expect(batches).toHaveLength(2);
	});

	it('keeps different messages apart and never splits an item', () => {
		const batches = planBatches(
			[message(0, ['a@x.pl', 'b@x.pl']), message(1, ['c@x.pl'], 'k2'), message(2, ['d@x.pl', 'e@x.pl']), message(3, ['f@x.pl'])],
			{ enabled: true, maxRecipients: 3 },
		);
		expect(batches.map((batch) => batch.messages.map((m) => m.itemIndex))).toEqual([[0], [1], [2, 3]]);
	});

	it('starts a new call when an address repeats (legacy `to` is keyed by address)', () => {
		const batches = planBatches([message(0, ['a@x.pl']), message(1, ['A@x.pl']), message(2, ['b@x.pl'])], { enabled: true, maxRecipients: 200 });
		expect(batches.map((batch) => batch.messages.map((m) => m.itemIndex))).toEqual([[0], [1, 2]]);
	});
});

describe('nestVariables', () => {
	it('turns dotted names into nested objects', () => {
		expect(nestVariables([{ name: 'firstName', value: 'Jan' }, { name: 'address.city', value: 'Kraków' }, { name: '', value: 'x' }])).toEqual({
			firstName: 'Jan',
			address: { city: 'Kraków' },
		});
	});
});
