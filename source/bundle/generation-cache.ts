/**
 * A cache that forgets what has not been asked for lately, for the text caches Ink keeps
 * forever (measure-text.ts, wrap-text.ts). Entries go into the current generation; when the
 * keys it holds reach `limit` characters, it becomes the previous one and the one before is
 * dropped. An entry of the previous generation that is asked for moves to the current one, so
 * text a frame keeps showing stays cached and what changed ticks ago goes: at most twice `limit`
 * characters of keys, whatever the uptime. Counted in characters, not entries: one Text can
 * hold a whole table (the monitor's rows are one multi-line text of several KB).
 */
export class GenerationCache<Value> {
	#current = new Map<string, Value>();
	#previous = new Map<string, Value>();
	#characters = 0;
	#previousCharacters = 0;

	constructor(readonly limit: number) {}

	/** Characters of the keys held, in both generations. */
	get characters(): number {
		return this.#characters + this.#previousCharacters;
	}

	get(key: string): Value | undefined {
		const value = this.#current.get(key);
		if (value !== undefined) {
			return value;
		}
		const earlier = this.#previous.get(key);
		if (earlier !== undefined) {
			this.#previous.delete(key);
			this.#previousCharacters -= key.length;
			this.set(key, earlier);
		}
		return earlier;
	}

	set(key: string, value: Value): void {
		if (this.#characters + key.length > this.limit && this.#current.size > 0) {
			this.#previous = this.#current;
			this.#previousCharacters = this.#characters;
			this.#current = new Map();
			this.#characters = 0;
		}
		if (!this.#current.has(key)) {
			this.#characters += key.length;
		}
		this.#current.set(key, value);
	}
}
