/**
 * Strings made of `pieces` in a seeded order (the same every run): for comparing a fast path with
 * its original. xorshift32: every bit of its state varies (the low bits of the linear
 * congruential generator this replaces repeated within a few steps, so its strings were few and
 * short, and whole kinds of piece never came up).
 */
export function randomStrings(pieces: readonly string[], count: number, longest: number, seed: number): string[] {
	let state = seed >>> 0 || 1;
	const next = () => {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		state >>>= 0;
		return state;
	};
	return Array.from({length: count}, () => Array.from({length: next() % longest}, () => pieces[next() % pieces.length]).join(''));
}
