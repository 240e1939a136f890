import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface TerminalSize {
	readonly columns: number;
	readonly rows: number;
}

/** The terminal's size, updated on resize (SIGWINCH). */
export function useTerminalSize(): TerminalSize {
	const {stdout} = useStdout();
	const read = () => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState<TerminalSize>(read);
	useEffect(() => {
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		onResize(); // A resize between the first render and this subscription would be lost otherwise.
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
