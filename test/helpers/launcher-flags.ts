/** The V8 flags xdptop's launcher starts Node with (its shebang), for whatever measures xdptop as it runs. */
import {readFileSync} from 'node:fs';

export function launcherV8Flags(): string[] {
	const shebang = readFileSync(new URL('../../source/launcher.mjs', import.meta.url), 'utf8').split('\n', 1)[0]!;
	const flags = shebang.split(/\s+/).filter(word => word.startsWith('--'));
	if (flags.length === 0) {
		throw new Error(`no V8 flags in the launcher's shebang: ${shebang}`);
	}
	return flags;
}
