/** Interfaces with their XDP state: the facts `list` prints and the monitor's left half shows. */
import {xdpLinks} from '../bpf/info.js';
import {isProvenOurs} from '../bpf/identity.js';
import {escapeControl} from '../model/escape.js';
import {xdpStateOf, type XdpState} from '../model/xdp.js';
import {listInterfaces, type NetInterface} from '../net/interfaces.js';
import {UsageError} from '../options.js';

export interface InterfaceStatus extends NetInterface {
	readonly xdp: XdpState;
}

/** The interfaces named (all when none), in ifindex order; an unknown name is a usage error. */
export async function selectInterfaces(names: readonly string[]): Promise<NetInterface[]> {
	const all = await listInterfaces();
	if (names.length === 0) {
		return all;
	}
	const missing = names.filter(name => !all.some(candidate => candidate.name === name));
	if (missing.length > 0) {
		throw new UsageError(
			`no interface named ${missing.map(name => `'${escapeControl(name)}'`).join(', ')}; xdptop list shows them`,
		);
	}
	return all.filter(candidate => names.includes(candidate.name));
}

/**
 * XDP state from the same netlink dump that listed the interfaces (one dump for all of them; a
 * bpf_xdp_query per interface is a dump each, quadratic at hundreds of interfaces), with the
 * link list telling bpf_link from netlink attachments. The link list takes a few system calls per
 * BPF link on the host, so it is read only when some interface has XDP at all.
 */
export function withXdpState(interfaces: readonly NetInterface[]): InterfaceStatus[] {
	const links = interfaces.some(candidate => candidate.xdpPrograms.length > 0) ? xdpLinks() : [];
	return interfaces.map(candidate => ({...candidate, xdp: xdpStateOf(candidate.ifindex, candidate.xdpPrograms, links, program => isProvenOurs(program.progId, program.tag))}));
}
