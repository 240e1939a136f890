/**
 * The stream the monitor hands Ink, for two reasons:
 * - Ink 6.8's incremental renderer moves the cursor up one line too few before each frame when
 *   the frame ends with a newline (every frame shorter than the terminal), so each frame would
 *   land one line lower than the last. The monitor always draws from the top of the alternate
 *   screen, so a frame's leading "cursor up N" becomes "cursor home". When the terminal gets
 *   narrower, Ink erases its last frame line by line upwards from the cursor and draws the next
 *   one whole from there, but the terminal may have moved or rewrapped what was on screen: the
 *   erase becomes "cursor home, clear the screen", so the next frame starts on a clean screen
 *   at the top, and the frames after it are diffed against what is really there.
 * - Ink writes a frame as three writes (begin synchronized update, frame, end); over SSH each is
 *   a packet. Writes made in one turn of the event loop leave as one.
 */
const LEADING_CURSOR_UP = /^\u001B\[\d+A/;
const CURSOR_HOME = '\u001B[H';
/** ansi-escapes' eraseLines(n), n > 0: what Ink's log.clear() writes (a cursor that was never shown adds nothing). */
const ERASE_LINES = /^(?:\u001B\[2K\u001B\[1A)*\u001B\[2K\u001B\[G$/;
const CLEAR_SCREEN = '\u001B[H\u001B[2J';

export function anchorFrames(chunk: string): string {
	return ERASE_LINES.test(chunk) ? CLEAR_SCREEN : chunk.replace(LEADING_CURSOR_UP, CURSOR_HOME);
}

export interface AnchoredStdout {
	readonly stream: NodeJS.WriteStream;
	/** Writes out whatever is held; call before writing to the terminal by other means. */
	flush(): void;
}

export function anchoredStdout(stdout: NodeJS.WriteStream): AnchoredStdout {
	let pending = '';
	const flush = () => {
		if (pending) {
			const chunk = pending;
			pending = '';
			stdout.write(chunk);
		}
	};
	const write = (chunk: unknown, ...rest: unknown[]): boolean => {
		if (typeof chunk !== 'string') {
			flush();
			return (stdout.write as (...args: unknown[]) => boolean)(chunk, ...rest);
		}
		if (!pending) {
			queueMicrotask(flush);
		}
		pending += anchorFrames(chunk);
		const callback = rest.find(argument => typeof argument === 'function') as (() => void) | undefined;
		if (callback) {
			queueMicrotask(callback);
		}
		return true;
	};
	const stream = new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') {
				return write;
			}
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
	return {stream, flush};
}
