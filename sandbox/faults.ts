/**
 * Fault injection for the sandbox's EmailLabs APIs, so tests can watch a client cope with what a
 * real network and API do now and then. Rules match API requests by their action path (what
 * follows `/api/` or `/v2.1/`, e.g. `new_sendmail`, `email`; `*` = any) and optionally the method:
 * - `status`: answer `status` (error envelope, `Retry-After` when `retryAfter` is set) unprocessed;
 * - `reset`: close the connection without answering or processing;
 * - `processThenDrop`: process the request (the send is stored, webhooks follow), then close the
 *   connection without answering;
 * - `processThenStatus`: process the request, then answer `status` instead of the real answer.
 * `times` limits a rule to its first N applications, `ratio` applies it to each matching request
 * with that probability (from `seed` when given, otherwise Math.random); no `times` and no `ratio`
 * = every matching request. The first rule that applies wins.
 */
import { isPlainObject } from './render';

export type FaultMode = 'status' | 'reset' | 'processThenDrop' | 'processThenStatus';
export const FAULT_MODES: readonly FaultMode[] = ['status', 'reset', 'processThenDrop', 'processThenStatus'];
const ANSWERING_MODES: readonly FaultMode[] = ['status', 'processThenStatus'];
const RULE_KEYS = ['path', 'method', 'mode', 'status', 'times', 'ratio', 'retryAfter'];

export interface FaultRule {
	/** Action path after `/api/` or `/v2.1/` (`new_sendmail`, `sendmail_templates`, `email`, …) or `*`. */
	path: string;
	/** Only requests with this method (any when not set). */
	method?: string;
	mode: FaultMode;
	/** HTTP status of `status` and `processThenStatus` (required for those). */
	status?: number;
	times?: number;
	ratio?: number;
	/** Seconds, sent as `Retry-After`. */
	retryAfter?: number;
}

export interface FaultReport {
	rules: Array<FaultRule & { fired: number; remaining?: number }>;
	seed?: number;
	injected: Record<FaultMode, number>;
	total: number;
}

const zero = () => Object.fromEntries(FAULT_MODES.map((mode) => [mode, 0])) as Record<FaultMode, number>;

/** mulberry32: a small seeded generator, so a ratio rule can give the same faults on every run. */
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function parseRule(value: unknown, index: number): FaultRule {
	const fail = (message: string): never => {
		throw new Error(`Rule ${index}: ${message}`);
	};
	if (!isPlainObject(value)) return fail('must be an object');
	const unknown = Object.keys(value).filter((key) => !RULE_KEYS.includes(key));
	if (unknown.length) fail(`unknown field(s) ${unknown.join(', ')} (allowed: ${RULE_KEYS.join(', ')})`);
	const { path, method, mode, status, times, ratio, retryAfter } = value;
	if (typeof path !== 'string' || !path.replace(/^\/+|\/+$/g, '')) fail('path is required (an action path such as new_sendmail, or *)');
	if (typeof mode !== 'string' || !FAULT_MODES.includes(mode as FaultMode)) fail(`mode must be one of ${FAULT_MODES.join(', ')}`);
	const answers = ANSWERING_MODES.includes(mode as FaultMode);
	if (answers && !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599)) fail(`mode ${String(mode)} needs status, an HTTP status code`);
	if (!answers && status !== undefined) fail(`mode ${String(mode)} sends no answer, so it takes no status`);
	if (method !== undefined && (typeof method !== 'string' || !method)) fail('method must be an HTTP method');
	if (times !== undefined && !(Number.isInteger(times) && (times as number) > 0)) fail('times must be a positive integer');
	if (ratio !== undefined && !(typeof ratio === 'number' && ratio >= 0 && ratio <= 1)) fail('ratio must be a number from 0 to 1');
	if (retryAfter !== undefined && !(Number.isInteger(retryAfter) && (retryAfter as number) >= 0)) fail('retryAfter must be a whole number of seconds');
	return {
		path: (path as string).replace(/^\/+|\/+$/g, ''),
		...(method !== undefined ? { method: (method as string).toUpperCase() } : {}),
		mode: mode as FaultMode,
		...(answers ? { status: status as number } : {}),
		...(times !== undefined ? { times: times as number } : {}),
		...(ratio !== undefined ? { ratio: ratio as number } : {}),
		...(retryAfter !== undefined ? { retryAfter: retryAfter as number } : {}),
	};
}

/** Reads `{ "rules": [...], "seed"?: n }` (or a bare array of rules); throws with a readable message. */
export function parseFaultRules(value: unknown): { rules: FaultRule[]; seed?: number } {
	const rules = Array.isArray(value) ? value : isPlainObject(value) && Array.isArray(value.rules) ? value.rules : undefined;
	if (!rules) throw new Error('Send {"rules": [{"path", "mode", "status"?, "times"?, "ratio"?, "retryAfter"?, "method"?}], "seed"?: n}');
	const seed = isPlainObject(value) ? value.seed : undefined;
	if (seed !== undefined && !Number.isInteger(seed)) throw new Error('seed must be an integer');
	return { rules: rules.map(parseRule), ...(seed !== undefined ? { seed: seed as number } : {}) };
}

export class FaultInjector {
	private rules: Array<{ rule: FaultRule; fired: number }> = [];
	private injected = zero();
	private seed?: number;
	private random: () => number = Math.random;

	/** Replaces the rules (validated with {@link parseFaultRules}) and zeroes the counters. */
	set(rules: FaultRule[], seed?: number): void {
		const parsed = parseFaultRules({ rules, ...(seed !== undefined ? { seed } : {}) });
		this.rules = parsed.rules.map((rule) => ({ rule, fired: 0 }));
		this.injected = zero();
		this.seed = parsed.seed;
		this.random = parsed.seed !== undefined ? seeded(parsed.seed) : Math.random;
	}

	clear(): void {
		this.set([]);
	}

	/** The rule that applies to this API request, counted as injected, or undefined. */
	take(method: string, action: string): FaultRule | undefined {
		for (const entry of this.rules) {
			const { rule } = entry;
			if (rule.path !== '*' && rule.path !== action) continue;
			if (rule.method && rule.method !== method) continue;
			if (rule.times !== undefined && entry.fired >= rule.times) continue;
			if (rule.ratio !== undefined && !(this.random() < rule.ratio)) continue;
			entry.fired++;
			this.injected[rule.mode]++;
			return rule;
		}
		return undefined;
	}

	report(): FaultReport {
		return {
			rules: this.rules.map(({ rule, fired }) => ({ ...rule, fired, ...(rule.times !== undefined ? { remaining: rule.times - fired } : {}) })),
			...(this.seed !== undefined ? { seed: this.seed } : {}),
			injected: { ...this.injected },
			total: Object.values(this.injected).reduce((sum, count) => sum + count, 0),
		};
	}
}
