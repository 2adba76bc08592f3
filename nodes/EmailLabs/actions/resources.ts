import type { INodeProperties } from 'n8n-workflow';

import * as blacklist from './blacklist';
import * as email from './email';
import * as emailAddress from './emailAddress';
import * as event from './event';
import * as smtpAccount from './smtpAccount';
import * as statistics from './statistics';
import * as template from './template';
import type { ResourceModule } from './types';

export const resources: Record<string, ResourceModule> = {
	blacklist,
	email,
	emailAddress,
	event,
	smtpAccount,
	statistics,
	template,
};

export const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Blacklist', value: 'blacklist' },
		{ name: 'Email', value: 'email' },
		{ name: 'Email Address', value: 'emailAddress' },
		{ name: 'Event', value: 'event' },
		{ name: 'SMTP Account', value: 'smtpAccount' },
		{ name: 'Statistic', value: 'statistics' },
		{ name: 'Template', value: 'template' },
	],
	default: 'email',
};
