import { resolve } from 'node:path';

/** The repository root (this file lives in scripts/). */
export const ROOT = resolve(__dirname, '..');
