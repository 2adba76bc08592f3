import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ApiGeneration, EmailLabsClient } from '../transport';

export interface OperationModule {
	description: INodeProperties[];
	/**
	 * The API generations EmailLabs documents this operation for. The router stops the others
	 * before `execute` runs: a request to an endpoint nobody has seen would be a guess.
	 */
	generations: readonly ApiGeneration[];
	execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient): Promise<INodeExecutionData[]>;
}

export interface ResourceModule {
	operations: Record<string, OperationModule>;
	/** The Operation property first, then the operations' fields. */
	description: INodeProperties[];
}
