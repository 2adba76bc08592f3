import { RecentKeys } from '../../nodes/EmailLabsTrigger/pipeline/deduplicate';
import { fingerprint } from '../../nodes/EmailLabsTrigger/pipeline/fingerprint';
import { storedKeys } from './storedKeys';

const A = 11;
const B = 22;
const C = 33;
const D = 44;
const E = 55;
const F = 66;

describe('RecentKeys', () => {
	it('remembers keys and reports repeats', () => {
		const keys = new RecentKeys(3);
		expect(keys.add(A)).toBe(true);
		expect(keys.add(B)).toBe(true);
		expect(keys.add(A)).toBe(false);
		expect(keys.has(A)).toBe(true);
		expect(keys.has(B)).toBe(true);
		expect(keys.has(C)).toBe(false);
		expect(keys.size).toBe(2);
	});

	it('refuses values that are not fingerprints', () => {
		const keys = new RecentKeys(3);
		for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
			expect(keys.add(bad)).toBe(false);
			expect(keys.has(bad)).toBe(false);
		}
		expect(keys.size).toBe(0);
	});

	it('evicts the oldest key first once full', () => {
		const keys = new RecentKeys(3);
		[A, B, C, D].forEach((key) => keys.add(key));
		expect(keys.has(A)).toBe(false);
		expect([B, C, D].every((key) => keys.has(key))).toBe(true);
		keys.add(E);
		expect(keys.has(B)).toBe(false);
		expect(keys.size).toBe(3);
	});

	it('round-trips through JSON keeping the eviction order', () => {
		const first = new RecentKeys(3);
		[A, B, C, D, E].forEach((key) => first.add(key));
		const state = JSON.parse(JSON.stringify(first));
		expect(storedKeys(state)).toEqual([D, E, C]);
		expect(state.next).toBe(2);
		const restored = new RecentKeys(3, state);
		expect([C, D, E].every((key) => restored.has(key))).toBe(true);
		restored.add(F);
		expect(restored.has(C)).toBe(false);
		expect(restored.has(D)).toBe(true);
	});

	it('keeps only the newest keys when the capacity shrank', () => {
		const big = new RecentKeys(5);
		[A, B, C, D, E, F].forEach((key) => big.add(key));
		const small = new RecentKeys(2, big.toJSON());
		expect(small.size).toBe(2);
		expect(small.has(E) && small.has(F)).toBe(true);
		expect(small.has(D)).toBe(false);
	});

	it('starts empty from missing or malformed state and drops invalid entries', () => {
		expect(new RecentKeys(3, undefined).size).toBe(0);
		expect(new RecentKeys(3, { keys: 'nope', next: 0 }).size).toBe(0);
		expect(new RecentKeys(3, { keys: [A, null, 'x', { x: 1 }, B, 0], next: 99 }).size).toBe(2);
		expect(new RecentKeys(3, { packed: 'not base64 of keys!', next: 0 }).size).toBe(0);
		expect(new RecentKeys(3, { packed: 42, next: 0 }).size).toBe(0);
	});

	it('persists one base64 string, not an array n8n would walk element by element', () => {
		const keys = new RecentKeys(10_000);
		for (let i = 1; i <= 10_000; i++) keys.add(i * 7_919 + 2 ** 40);
		const state = keys.toJSON();
		expect(typeof state.packed).toBe('string');
		expect(state.packed.length).toBe(Math.ceil(80_000 / 3) * 4); // base64 of 80,000 bytes
		expect(new RecentKeys(10_000, JSON.parse(JSON.stringify(state))).has(10_000 * 7_919 + 2 ** 40)).toBe(true);
	});

	it('still reads the first persisted form (an array of keys)', () => {
		const restored = new RecentKeys(3, { keys: [D, E, C], next: 2 });
		expect([C, D, E].every((key) => restored.has(key))).toBe(true);
		restored.add(F);
		expect(restored.has(C)).toBe(false);
		expect(storedKeys(restored.toJSON())).toEqual([D, E, F]);
	});

	it('survives colliding table slots and deletions (backward-shift)', () => {
		// Keys sharing the low 32 bits land in the same home slot.
		const colliding = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => i * 2 ** 32 + 7);
		const keys = new RecentKeys(4);
		colliding.forEach((key) => keys.add(key));
		expect(colliding.map((key) => keys.has(key))).toEqual([false, false, false, false, true, true, true, true]);
		keys.add(99);
		expect(keys.has(colliding[4])).toBe(false);
		expect(colliding.slice(5).every((key) => keys.has(key))).toBe(true);
		expect(keys.has(99)).toBe(true);
	});

	it('agrees with a reference Set over a long random run', () => {
		const capacity = 50;
		const keys = new RecentKeys(capacity);
		const order: number[] = [];
		let seed = 1;
		const random = () => (seed = (seed * 48271) % 2147483647);
		for (let i = 0; i < 20_000; i++) {
			// Small key space with shared home slots, so hits, misses and evictions all happen.
			const key = (random() % 300) * 2 ** 20 + 1;
			const expectedFresh = !order.includes(key);
			expect(keys.add(key)).toBe(expectedFresh);
			if (expectedFresh) {
				order.push(key);
				if (order.length > capacity) order.shift();
			}
		}
		for (let key = 1; key < 300 * 2 ** 20; key += 2 ** 20) expect(keys.has(key)).toBe(order.includes(key));
	});

	it('holds 10,000 keys at the bound with FIFO eviction and stays fast', () => {
		const keys = new RecentKeys(10_000);
		const key = (i: number) => fingerprint(`msg-${i}`, 'ok', i, '');
		const started = Date.now();
		for (let i = 0; i < 50_000; i++) keys.add(key(i));
		expect(keys.size).toBe(10_000);
		expect(keys.has(key(39_999))).toBe(false);
		expect(keys.has(key(40_000))).toBe(true);
		expect(keys.has(key(49_999))).toBe(true);
		const restored = new RecentKeys(10_000, JSON.parse(JSON.stringify(keys)));
		restored.add(key(50_000));
		expect(restored.has(key(40_000))).toBe(false);
		expect(restored.has(key(40_001))).toBe(true);
		expect(Date.now() - started).toBeLessThan(2000);
	});
});
