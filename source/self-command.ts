/**
 * How to start this same xdptop again (the demo runs its monitor in a child): node, its flags and
 * the entry script. The single executable swaps this module for source/single/self-command.ts at
 * build time: there the executable alone is the command, and argv[1] is not a script.
 */
export function selfCommand(): string[] {
	return [process.execPath, ...process.execArgv, process.argv[1]!];
}
