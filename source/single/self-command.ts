/** The single executable's stand-in for source/self-command.ts: the executable is the whole command. */
export function selfCommand(): string[] {
	return [process.execPath];
}
