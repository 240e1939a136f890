/** A fixed-size history: pushing past capacity drops the oldest value, with no reallocation. */
export class Ring<T> {
	readonly capacity: number;
	readonly #items: Array<T | undefined>;
	#start = 0;
	#length = 0;

	constructor(capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError('ring capacity must be a positive integer');
		}
		this.capacity = capacity;
		this.#items = Array.from({length: capacity});
	}

	get length(): number {
		return this.#length;
	}

	push(item: T): void {
		const end = (this.#start + this.#length) % this.capacity;
		this.#items[end] = item;
		if (this.#length < this.capacity) {
			this.#length++;
		} else {
			this.#start = (this.#start + 1) % this.capacity;
		}
	}

	/** Like Array#slice, so a ring can stand where an array of history is read (slice(-n): the newest n). */
	slice(start = 0, end = this.#length): T[] {
		const from = start < 0 ? Math.max(0, this.#length + start) : Math.min(start, this.#length);
		const to = end < 0 ? Math.max(0, this.#length + end) : Math.min(end, this.#length);
		const result: T[] = [];
		for (let index = from; index < to; index++) {
			result.push(this.#items[(this.#start + index) % this.capacity] as T);
		}
		return result;
	}

	/** Oldest first. */
	toArray(): T[] {
		const result: T[] = [];
		for (let index = 0; index < this.#length; index++) {
			result.push(this.#items[(this.#start + index) % this.capacity] as T);
		}
		return result;
	}

	last(): T | undefined {
		return this.#length === 0 ? undefined : this.#items[(this.#start + this.#length - 1) % this.capacity];
	}

	clear(): void {
		this.#start = 0;
		this.#length = 0;
		this.#items.fill(undefined);
	}
}
