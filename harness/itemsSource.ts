/**
 * "Input" node for harness workflows: a tiny node type (our own) that emits the items a test
 * wants to feed into the node under test. Binary attachments declared with {@link binaryItem} are
 * stored through n8n's real `this.helpers.prepareBinaryData`, so downstream `getBinaryDataBuffer`
 * / `assertBinaryData` see exactly what they would see after e.g. a Read File node.
 */
import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPairedItemData,
} from 'n8n-workflow';
import { NodeConnectionTypes, deepCopy } from 'n8n-workflow';

export const ITEMS_SOURCE_TYPE = 'harness.itemsSource';

/** One file to attach to an item. `buffer` strings are taken as UTF-8 text. */
export interface BinaryFileSpec {
	buffer: Buffer | string;
	fileName?: string;
	mimeType?: string;
	/** optional, otherwise n8n derives it from the mime type/file name */
	fileExtension?: string;
}

const BINARY_SPECS = Symbol('harness.binarySpecs');

type ItemWithSpecs = INodeExecutionData & { [BINARY_SPECS]?: Record<string, BinaryFileSpec> };

/**
 * An input item carrying binary files (keyed by binary property name, e.g. `data`). The files are
 * materialised by the Input node via `prepareBinaryData` when the workflow runs.
 */
export function binaryItem(json: IDataObject, files: Record<string, BinaryFileSpec>): INodeExecutionData {
	const item: ItemWithSpecs = { json };
	Object.defineProperty(item, BINARY_SPECS, { value: files, enumerable: false });
	return item;
}

const description: INodeTypeDescription = {
	displayName: 'Harness Input',
	name: ITEMS_SOURCE_TYPE,
	group: ['input'],
	version: 1,
	description: 'Emits the items given by the test',
	defaults: { name: 'Input' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [],
};

/** Node type instance bound to one run's items. */
export class ItemsSource implements INodeType {
	description = description;

	readonly execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

	constructor(items: INodeExecutionData[]) {
		// n8n calls execute with `this` = its ExecuteContext, so the items travel in a closure.
		this.execute = async function (this: IExecuteFunctions) {
			const out: INodeExecutionData[] = [];
			for (const original of items as ItemWithSpecs[]) {
				const item: INodeExecutionData = {
					json: deepCopy(original.json),
					pairedItem: { item: 0 } as IPairedItemData,
				};
				if (original.binary) item.binary = deepCopy(original.binary);
				const specs = original[BINARY_SPECS];
				if (specs) {
					const binary: IBinaryKeyData = item.binary ?? {};
					for (const [property, spec] of Object.entries(specs)) {
						const buffer = typeof spec.buffer === 'string' ? Buffer.from(spec.buffer, 'utf8') : spec.buffer;
						const prepared = await this.helpers.prepareBinaryData(buffer, spec.fileName, spec.mimeType);
						if (spec.fileExtension) prepared.fileExtension = spec.fileExtension;
						binary[property] = prepared;
					}
					item.binary = binary;
				}
				out.push(item);
			}
			return [out];
		};
	}
}
