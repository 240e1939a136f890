/**
 * The interfaces and XDP state of every network namespace of the host (`list -A`), and how many
 * XDP attachments live outside xdptop's own (the hint that keeps `list` from saying "none" on a
 * host where some are next door). Each namespace is listed through an fd held on it.
 */
import {type NetnsLabel} from '../model/netns.js';
import {listInterfaces, listInterfacesIn} from '../net/interfaces.js';
import {closeNamespaces, holdNamespaces, type HeldNetns} from '../net/namespaces.js';
import {withXdpState, type InterfaceStatus} from './inventory.js';

export interface NamespaceListing {
	readonly netns: NetnsLabel;
	readonly own: boolean;
	readonly interfaces: readonly InterfaceStatus[];
	/** Set when its interfaces could not be listed (it went away meanwhile, say). */
	readonly error: string | undefined;
}

async function listOne(namespace: HeldNetns): Promise<NamespaceListing> {
	const {fd, own, ...netns} = namespace;
	try {
		const interfaces = own ? await listInterfaces() : await listInterfacesIn(fd);
		return {netns, own, interfaces: withXdpState(interfaces), error: undefined};
	} catch (error) {
		return {netns, own, interfaces: [], error: error instanceof Error ? error.message.split('\n')[0] : String(error)};
	}
}

/** Every namespace's interfaces: xdptop's own first, then named ones, then the others by PID. */
export async function listAllNamespaces(options: {readonly skipOwn?: boolean} = {}): Promise<NamespaceListing[]> {
	const namespaces = holdNamespaces();
	try {
		const wanted = options.skipOwn ? namespaces.filter(namespace => !namespace.own) : namespaces;
		// Another namespace is a netlink dump in this process; only our own starts an ip.
		return await Promise.all(wanted.map(listOne));
	} finally {
		closeNamespaces(namespaces);
	}
}

/** XDP attachments in the namespaces other than xdptop's, and in how many of them. */
export function elsewhere(listings: readonly NamespaceListing[]): {readonly attachments: number; readonly namespaces: number} {
	const others = listings.filter(listing => !listing.own);
	const counts = others.map(listing => listing.interfaces.reduce((sum, entry) => sum + entry.xdp.attachments.length, 0));
	return {attachments: counts.reduce((sum, count) => sum + count, 0), namespaces: counts.filter(count => count > 0).length};
}
