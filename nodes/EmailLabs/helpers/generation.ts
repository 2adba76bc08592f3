import type { IExecuteFunctions } from 'n8n-workflow';

import type { ApiGeneration, EmailLabsClient } from '../transport';
import { invalidInput } from './validation';

const GENERATION_NAMES: Record<ApiGeneration, string> = { legacy: 'Legacy API', v2: 'API v2.1' };

/**
 * Stops an operation that the credential's API generation cannot serve, with a message saying
 * which credential can: a request to an endpoint nobody has seen would be a guess.
 */
export function requireGeneration(
	context: IExecuteFunctions,
	client: EmailLabsClient,
	generation: ApiGeneration,
	operationName: string,
	itemIndex: number,
): void {
	if (client.generation === generation) return;
	throw invalidInput(
		context,
		itemIndex,
		`${operationName} is not available with an EmailLabs ${GENERATION_NAMES[client.generation]} credential`,
		`EmailLabs documents this only for the ${GENERATION_NAMES[generation]}. Use an EmailLabs credential of that kind for this node.`,
	);
}
