import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodePropertyOptions,
} from 'n8n-workflow';

import { executeEachItem } from '../helpers/executeItems';
import { getMaxTries } from '../helpers/options';
import { invalidInput } from '../helpers/validation';
import { API_WIRES, createClient, type ApiGeneration } from '../transport';
import { resourceProperty, resources } from './resources';

/** The name the user sees for an option value, e.g. "Get Many" for `getMany`. */
function optionName(property: INodeProperties | undefined, value: string): string {
	const option = (property?.options as INodePropertyOptions[] | undefined)?.find((entry) => entry.value === value);
	return option?.name ?? value;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.operations[operation];
	if (!module) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not known`);
	}
	const client = await createClient(this, { maxTries: getMaxTries(this) });
	if (!module.generations.includes(client.generation)) {
		const operationProperty = resources[resource].description.find((property) => property.name === 'operation');
		const name = `${optionName(resourceProperty, resource)} → ${optionName(operationProperty, operation)}`;
		const documented = module.generations.map((generation: ApiGeneration) => API_WIRES[generation].name).join(' and ');
		// Every item fails alike (an error item each with "Continue On Fail").
		return [
			await executeEachItem(this, items, async (itemIndex) => {
				throw invalidInput(
					this,
					itemIndex,
					`${name} is not available with an EmailLabs ${client.wire.name} credential`,
					`EmailLabs documents this only for the ${documented}. Use an EmailLabs credential of that kind for this node.`,
				);
			}),
		];
	}
	return [await module.execute.call(this, items, client)];
}
