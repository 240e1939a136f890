/**
 * Ink 6.8's incremental renderer moves the cursor up one line too few before each frame when
 * the frame ends with a newline (every frame shorter than the terminal), so each frame would
 * land one line lower than the last. The monitor always draws from the top of the alternate
 * screen, so the stream it hands Ink turns that leading "cursor up N" into "cursor home".
 * Everything else Ink writes passes through unchanged.
 */
const LEADING_CURSOR_UP = /^\u001B\[\d+A/;
const CURSOR_HOME = '\u001B[H';

export function anchorFrames(chunk: string): string {
	return chunk.replace(LEADING_CURSOR_UP, CURSOR_HOME);
}

export function anchoredStdout(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
	const write = (chunk: unknown, ...rest: unknown[]): boolean =>
		(stdout.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? anchorFrames(chunk) : chunk, ...rest);
	return new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') {
				return write;
			}
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}
