/**
 * The monitor child of `xdptop --demo` removes the lab too, in case its parent was killed outright.
 * Nothing from outside (environment, flags) tells it that it is that child or which namespaces to
 * delete: it proves it. Its parent P named the lab after its own pid (xdptop-demo-P-a/-b); only
 * root can mount namespaces under /run/netns; and the one mounted as xdptop-demo-P-a is the very
 * namespace this process runs in (P started it there with nsenter). Anything else: not a demo.
 */
import {closeSync, fstatSync, openSync} from 'node:fs';
import {demoNamespaces} from './lab.js';
import {deleteNamespaces, namespaceAt, sameNamespace, type NamespaceId} from './namespaces.js';

export interface OwnLab {
	readonly local: string;
	readonly peer: string;
	/**
	 * Deletes both namespaces, each only if it is still the lab's. Never throws. The traffic came
	 * from the parent, and ended with it.
	 */
	remove(): void;
}

/** The lab this process was started in by `xdptop --demo`, or undefined when it was not. */
export function ownDemoLab(): OwnLab | undefined {
	const [local, peer] = demoNamespaces(process.ppid);
	const own = namespaceAt('/proc/self/ns/net');
	if (!sameNamespace(namespaceAt(`/run/netns/${local}`), own)) {
		return undefined;
	}
	// An open fd keeps the peer namespace alive, so its inode cannot pass to another one before we
	// compare again at the end.
	let peerFd: number | undefined;
	let peerId: NamespaceId | undefined;
	try {
		peerFd = openSync(`/run/netns/${peer}`, 'r');
		const {dev, ino} = fstatSync(peerFd);
		peerId = {dev, ino};
	} catch {
		// No peer namespace: nothing of it to remove.
	}
	return {
		local,
		peer,
		remove() {
			const doomed: string[] = [];
			if (sameNamespace(namespaceAt(`/run/netns/${local}`), own)) {
				doomed.push(local);
			}
			if (sameNamespace(namespaceAt(`/run/netns/${peer}`), peerId)) {
				doomed.push(peer);
			}
			deleteNamespaces(doomed);
			if (peerFd !== undefined) {
				closeSync(peerFd);
				peerFd = undefined;
			}
		},
	};
}
