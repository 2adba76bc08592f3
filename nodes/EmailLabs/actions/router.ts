import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { getMaxTries } from '../helpers/options';
import { createClient } from '../transport';
import * as blacklist from './blacklist';
import * as email from './email';
import * as emailAddress from './emailAddress';
import * as event from './event';
import * as smtpAccount from './smtpAccount';
import * as statistics from './statistics';
import * as template from './template';
import type { OperationModule } from './types';

const resources: Record<string, { operations: Record<string, OperationModule> }> = {
	blacklist,
	email,
	emailAddress,
	event,
	smtpAccount,
	statistics,
	template,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.operations[operation];
	if (!module) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not known`);
	}
	const client = await createClient(this, { maxTries: getMaxTries(this) });
	return [await module.execute.call(this, items, client)];
}
