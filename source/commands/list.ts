import {ProgramFactsCollector} from '../bpf/ownership.js';
import {type Command} from '../options.js';
import {elsewhere, listAllNamespaces, type NamespaceListing} from './all-namespaces.js';
import {selectInterfaces, withXdpState, type InterfaceStatus} from './inventory.js';
import {elsewhereLine, formatAllNamespaces, formatList, listJson} from './list-format.js';
import {selectsInterface} from '../model/ifname.js';

/** Who holds each program, and what the kernel says of it: one walk of /proc for all. */
async function withFacts(interfaces: readonly InterfaceStatus[]): Promise<InterfaceStatus[]> {
	const facts = new ProgramFactsCollector();
	await facts.refreshed(interfaces.flatMap(entry => entry.xdp.attachments), Date.now());
	return interfaces.map(entry => ({...entry, xdp: facts.withFacts(entry.xdp)}));
}

async function runAll(command: Extract<Command, {kind: 'list'}>): Promise<void> {
	let listings: NamespaceListing[] = await listAllNamespaces();
	if (command.interfaces.length > 0) {
		listings = listings.map(listing => ({...listing, interfaces: listing.interfaces.filter(entry => selectsInterface(command.interfaces, entry))}));
	}
	if (command.json) {
		const entries = [];
		for (const listing of listings) {
			entries.push(...listJson(await withFacts(listing.interfaces), listing.netns));
		}
		process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
		return;
	}
	process.stdout.write(`${formatAllNamespaces(listings)}\n`);
}

export async function runList(command: Extract<Command, {kind: 'list'}>): Promise<void> {
	if (command.allNamespaces) {
		await runAll(command);
		return;
	}
	// The other namespaces only add a line: whatever keeps them from being read (no fds left,
	// a namespace gone meanwhile) leaves this namespace's list as it is.
	const [selected, others] = await Promise.all([selectInterfaces(command.interfaces), command.json ? undefined : listAllNamespaces({skipOwn: true}).catch(() => undefined)]);
	let interfaces = withXdpState(selected);
	if (command.json) {
		interfaces = await withFacts(interfaces);
	}
	const hint = others && elsewhereLine(elsewhere(others));
	process.stdout.write(`${command.json ? JSON.stringify(listJson(interfaces), null, 2) : formatList(interfaces)}\n${hint ? `${hint}\n` : ''}`);
}
