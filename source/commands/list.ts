import {type Command} from '../options.js';
import {selectInterfaces, withXdpState} from './inventory.js';
import {formatList, listJson} from './list-format.js';

export async function runList(command: Extract<Command, {kind: 'list'}>): Promise<void> {
	const interfaces = withXdpState(await selectInterfaces(command.interfaces));
	process.stdout.write(`${command.json ? JSON.stringify(listJson(interfaces), null, 2) : formatList(interfaces)}\n`);
}
