/** Throwaway network namespaces joined by a veth pair: for --demo, and for the tests. */
import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {programPath} from '../system-programs.js';

function ip(args: readonly string[]): string {
	return execFileSync(programPath('ip'), args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
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
				// ip netns exec looks its command up in PATH: give it the path.
				ip(['netns', 'exec', namespace, programPath('sysctl'), '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
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

/** A network namespace as the kernel names it: the nsfs device and inode behind a path. */
export interface NamespaceId {
	readonly dev: number;
	readonly ino: number;
}

/**
 * The namespace at `path` (/run/netns/NAME, /proc/PID/ns/net), or undefined. Inode numbers are
 * reused once a namespace is freed: compare only while something (a mount, a member, an fd) holds it.
 */
export function namespaceAt(path: string): NamespaceId | undefined {
	try {
		const {dev, ino} = statSync(path);
		return {dev, ino};
	} catch {
		return undefined;
	}
}

export function sameNamespace(a: NamespaceId | undefined, b: NamespaceId | undefined): boolean {
	return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** The processes that live in namespace `id`, with their command names. */
export function processesIn(id: NamespaceId): Array<{pid: number; command: string}> {
	const found: Array<{pid: number; command: string}> = [];
	for (const entry of readdirSync('/proc')) {
		const pid = Number(entry);
		if (!Number.isInteger(pid) || pid <= 0 || !sameNamespace(namespaceAt(`/proc/${pid}/ns/net`), id)) {
			continue;
		}
		try {
			found.push({pid, command: readFileSync(`/proc/${pid}/comm`, 'utf8').trim()});
		} catch {
			// Ended while we looked.
		}
	}
	return found;
}
