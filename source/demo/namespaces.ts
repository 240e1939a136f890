/** Throwaway network namespaces joined by a veth pair: for --demo, and for the tests. */
import {execFileSync} from 'node:child_process';

function ip(args: readonly string[]): string {
	return execFileSync('ip', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

export interface VethPairSpec {
	/** Namespace and interface of the end xdptop watches. */
	readonly local: string;
	readonly localIf: string;
	/** Namespace and interface traffic comes from. */
	readonly peer: string;
	readonly peerIf: string;
	/** No IPv6 at all, so that no traffic flows but what is sent on purpose (tests count exactly). */
	readonly quiet: boolean;
}

/** Creates both namespaces and the pair, both ends up. On failure, removes what it made. */
export function createVethPair(spec: VethPairSpec): void {
	try {
		for (const namespace of [spec.local, spec.peer]) {
			ip(['netns', 'add', namespace]);
			if (spec.quiet) {
				ip(['netns', 'exec', namespace, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
			}
			ip(['-n', namespace, 'link', 'set', 'lo', 'up']);
		}
		ip(['-n', spec.local, 'link', 'add', spec.localIf, 'type', 'veth', 'peer', 'name', spec.peerIf, 'netns', spec.peer]);
		ip(['-n', spec.local, 'link', 'set', spec.localIf, 'up']);
		ip(['-n', spec.peer, 'link', 'set', spec.peerIf, 'up']);
	} catch (error) {
		deleteNamespaces([spec.local, spec.peer]);
		throw error;
	}
}

/** Deleting a namespace deletes its veth end, and with it the pair. Never throws. */
export function deleteNamespaces(namespaces: readonly string[]): void {
	for (const namespace of namespaces) {
		try {
			ip(['netns', 'del', namespace]);
		} catch {
			// Already gone.
		}
	}
}

export function listNamespaces(): string[] {
	try {
		return ip(['netns', 'list'])
			.split('\n')
			.map(line => line.split(' ')[0] ?? '')
			.filter(Boolean);
	} catch {
		return [];
	}
}
