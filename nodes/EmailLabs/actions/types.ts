import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { EmailLabsClient } from '../transport';

export interface OperationModule {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient): Promise<INodeExecutionData[]>;
}
