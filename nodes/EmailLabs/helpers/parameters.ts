import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';

function containsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(containsExpression);
	if (typeof value === 'object' && value !== null) return Object.values(value).some(containsExpression);
	return false;
}

function rawValue(parameters: unknown, path: string): unknown {
	return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], parameters);
}

/**
 * Reads node parameters for many items. n8n resolves every read anew (a large share of a
 * 1,000-item send); a parameter with no expression anywhere in it is the same for every item,
 * so it is read once and reused.
 */
export function createParameterReader(context: IExecuteFunctions) {
	const parameters = context.getNode().parameters;
	const constants = new Map<string, unknown>();
	return <T>(name: string, itemIndex: number, fallback?: T): T => {
		if (containsExpression(rawValue(parameters, name))) {
			return context.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType) as T;
		}
		if (!constants.has(name)) constants.set(name, context.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType));
		return constants.get(name) as T;
	};
}

export type ParameterReader = ReturnType<typeof createParameterReader>;
