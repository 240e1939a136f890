import {constants} from 'node:os';

const errnoNames = new Map<number, string>(
	Object.entries(constants.errno).map(([name, value]) => [value, name]),
);

export function errnoName(errno: number): string {
	return errnoNames.get(Math.abs(errno)) ?? `errno ${Math.abs(errno)}`;
}

/** A kernel or libbpf call that failed: carries the errno name and a sentence for people. */
export class BpfError extends Error {
	readonly errno: number;
	readonly code: string;
	/** What libbpf printed while the call ran (verifier log and the like), for --debug. */
	readonly details: readonly string[];

	constructor(message: string, errno: number, details: readonly string[] = []) {
		super(message);
		this.name = 'BpfError';
		this.errno = Math.abs(errno);
		this.code = errnoName(errno);
		this.details = details;
	}
}

/** libbpf.so.1 could not be loaded: nothing of ours can work, but --help and list still explain why. */
export class LibbpfMissingError extends Error {
	constructor(reason: string) {
		super(
			`cannot load libbpf.so.1 (${reason}); install it: apt-get install libbpf1 (Debian/Ubuntu) or dnf install libbpf (Fedora)`,
		);
		this.name = 'LibbpfMissingError';
	}
}

/** The kernel refused an XDP mode on an interface; the interface was left as it was. */
export class XdpModeRefusedError extends BpfError {
	override readonly name = 'XdpModeRefusedError';
}

/** Another program holds the interface; xdptop never replaces it. */
export class XdpConflictError extends BpfError {
	override readonly name = 'XdpConflictError';
}
