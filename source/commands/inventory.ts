/** Interfaces with their XDP state: the facts `list` prints and the monitor's left half shows. */
import {xdpLinks} from '../bpf/info.js';
import {provenOlderXdptop, provenOurs} from '../bpf/identity.js';
import {escapeControl} from '../model/escape.js';
import {parseEscapedName, selectsInterface} from '../model/ifname.js';
import {xdpStateOf, type XdpState} from '../model/xdp.js';
import {listInterfaces, type NetInterface} from '../net/interfaces.js';
import {UsageError} from '../options.js';

export interface InterfaceStatus extends NetInterface {
	readonly xdp: XdpState;
}

/**
 * The interfaces named (all when none), in ifindex order; an unknown name is a usage error. Names
 * are -i values: the escaped form xdptop shows, or ifindex:N (model/ifname.ts).
 */
export async function selectInterfaces(names: readonly string[], listed?: readonly NetInterface[]): Promise<NetInterface[]> {
	const all = listed ?? (await listInterfaces());
	if (names.length === 0) {
		return [...all];
	}
	const missing = names.filter(name => !all.some(candidate => selectsInterface([name], candidate)));
	if (missing.length > 0) {
		// The command line turns bytes that are not UTF-8 into U+FFFD: such a name needs its escaped form.
		const hint = missing.some(name => name.includes('\uFFFD')) ? ' (bytes that are not UTF-8 reach xdptop as U+FFFD: write them as \\xNN, as xdptop list shows them, or use ifindex:N)' : '';
		throw new UsageError(
			`no interface ${missing.map(name => (name.startsWith('ifindex:') ? `with ${name}` : `named '${escapeControl(parseEscapedName(name))}'`)).join(', ')}; xdptop list shows them${hint}`,
		);
	}
	return all.filter(candidate => selectsInterface(names, candidate));
}

/**
 * XDP state from the same netlink dump that listed the interfaces (one dump for all of them; a
 * bpf_xdp_query per interface is a dump each, quadratic at hundreds of interfaces), with the
 * link list telling bpf_link from netlink attachments. The link list takes a few system calls per
 * BPF link on the host, so it is read only when some interface has XDP at all.
 */
export function withXdpState(interfaces: readonly NetInterface[]): InterfaceStatus[] {
	const links = interfaces.some(candidate => candidate.xdpPrograms.length > 0) ? xdpLinks() : [];
	return interfaces.map(candidate => ({...candidate, xdp: xdpStateOf(candidate.ifindex, candidate.xdpPrograms, links, provenOurs, provenOlderXdptop)}));
}
