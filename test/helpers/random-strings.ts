/** Strings made of `pieces` in a seeded order (the same every run): for comparing a fast path with its original. */
export function randomStrings(pieces: readonly string[], count: number, longest: number, seed: number): string[] {
	let state = seed;
	const next = () => {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		return state;
	};
	return Array.from({length: count}, () => Array.from({length: next() % longest}, () => pieces[next() % pieces.length]).join(''));
}
