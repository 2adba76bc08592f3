import type { ApiGeneration } from '../envelope';
import { legacyWire } from './legacy';
import type { ApiWire } from './types';
import { v2Wire } from './v2';

export type { ApiWire, SendAnswer } from './types';
export { legacyWire, v2Wire };

/** Both API generations, by the credential's `api` value. */
export const API_WIRES: Readonly<Record<ApiGeneration, ApiWire>> = { legacy: legacyWire, v2: v2Wire };
