import {ProgramFactsCollector} from '../bpf/ownership.js';
import {type Command} from '../options.js';
import {selectInterfaces, withXdpState} from './inventory.js';
import {formatList, listJson} from './list-format.js';

export async function runList(command: Extract<Command, {kind: 'list'}>): Promise<void> {
	let interfaces = withXdpState(await selectInterfaces(command.interfaces));
	if (command.json) {
		// Who holds each program, and what the kernel says of it: one walk of /proc for all.
		const facts = new ProgramFactsCollector();
		await facts.refreshed(interfaces.flatMap(entry => entry.xdp.attachments), Date.now());
		interfaces = interfaces.map(entry => ({...entry, xdp: facts.withFacts(entry.xdp)}));
	}
	process.stdout.write(`${command.json ? JSON.stringify(listJson(interfaces), null, 2) : formatList(interfaces)}\n`);
}
