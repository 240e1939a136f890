/** Whether this process may load and attach XDP programs, from its effective capabilities. */
import {readFileSync} from 'node:fs';

const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;
const CAP_BPF = 39n;

/** The capabilities xdptop lacks, named as the kernel does; empty when it may go ahead. */
export function missingCapabilities(status = readFileSync('/proc/self/status', 'utf8')): string[] {
	return missingFromMask(parseCapEff(status));
}

export function parseCapEff(status: string): bigint {
	const match = /^CapEff:\s*([0-9a-f]+)$/im.exec(status);
	return match ? BigInt(`0x${match[1]}`) : 0n;
}

export function missingFromMask(mask: bigint): string[] {
	const has = (capability: bigint) => (mask >> capability) & 1n;
	const missing: string[] = [];
	// Before CAP_BPF (5.8) CAP_SYS_ADMIN covered BPF; either one will do.
	if (!has(CAP_BPF) && !has(CAP_SYS_ADMIN)) {
		missing.push('CAP_BPF');
	}
	if (!has(CAP_NET_ADMIN)) {
		missing.push('CAP_NET_ADMIN');
	}
	return missing;
}

/**
 * Without CAP_SYS_ADMIN the kernel hands out no program by id: xdptop then cannot read the name or
 * tag of any attached program, nor prove which are its own (so cannot read their counters).
 */
export function canReadProgramsById(status = readFileSync('/proc/self/status', 'utf8')): boolean {
	return ((parseCapEff(status) >> CAP_SYS_ADMIN) & 1n) === 1n;
}
