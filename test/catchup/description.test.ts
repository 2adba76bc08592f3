/** The node as n8n loads it: registration, codex, polling description, parameters. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers, type INodeProperties } from 'n8n-workflow';

import { EmailLabsCatchUpTrigger } from '../../nodes/EmailLabsCatchUpTrigger/EmailLabsCatchUpTrigger.node';
import { EVENT_STREAMS } from '../../nodes/EmailLabsCatchUpTrigger/pipeline/streams';

const ROOT = join(__dirname, '..', '..');
const node = new EmailLabsCatchUpTrigger();

describe('EmailLabs Catch-Up Trigger description', () => {
	it('is registered in package.json and has its codex file', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
		expect(pkg.n8n.nodes).toContain('dist/nodes/EmailLabsCatchUpTrigger/EmailLabsCatchUpTrigger.node.js');
		const codex = JSON.parse(readFileSync(join(ROOT, 'nodes/EmailLabsCatchUpTrigger/EmailLabsCatchUpTrigger.node.json'), 'utf8'));
		expect(codex.node).toBe(`n8n-nodes-emaillabs.${node.description.name}`);
	});

	it('is a polling trigger on the EmailLabs API credential, with the package’s themed icons', () => {
		expect(node.description).toMatchObject({
			name: 'emailLabsCatchUpTrigger',
			displayName: 'EmailLabs Catch-Up Trigger',
			group: ['trigger'],
			polling: true,
			inputs: [],
			version: 1,
			credentials: [{ name: 'emailLabsApi', required: true }],
			icon: { light: 'file:../../icons/emaillabs.svg', dark: 'file:../../icons/emaillabs.dark.svg' },
		});
		expect(node.description.usableAsTool).toBeUndefined();
		expect(typeof node.poll).toBe('function');
	});

	it('leaves Poll Times to n8n (its loader adds it to polling nodes); the defaults raise no parameter issues', () => {
		expect(node.description.properties.map((property: INodeProperties) => property.name)).not.toContain('pollTimes');
		const parameters = NodeHelpers.getNodeParameters(node.description.properties, {}, true, false, null, null)!;
		expect(parameters).toMatchObject({ events: expect.arrayContaining(['hardBounce', 'opened']), startFrom: '', credentialApi: 'legacy' });
		const issues = NodeHelpers.getNodeParametersIssues(node.description.properties, { id: 'n', name: 'n', type: 't', typeVersion: 1, position: [0, 0], parameters }, node.description);
		expect(issues).toBeNull();
	});

	it('offers exactly the events the API lists; the v2.1 notice shows only for API v2.1', () => {
		const events = node.description.properties.find((property) => property.name === 'events')!;
		expect((events.options as Array<{ value: string }>).map((option) => option.value).sort()).toEqual(EVENT_STREAMS.map((stream) => stream.event).sort());
		const notice = node.description.properties.find((property) => property.name === 'v2Notice')!;
		expect(notice).toMatchObject({ type: 'notice', displayOptions: { show: { credentialApi: ['v2'] } } });
	});
});
