/** Which interface carries the SSH session of the user running xdptop. */
import {networkInterfaces} from 'node:os';

/** SSH_CONNECTION is "client-ip client-port server-ip server-port"; the server IP is ours. */
export function sshLocalAddress(environment: NodeJS.ProcessEnv = process.env): string | undefined {
	const fields = environment['SSH_CONNECTION']?.trim().split(/\s+/);
	return fields && fields.length === 4 ? fields[2] : undefined;
}

export function sshInterface(address = sshLocalAddress()): string | undefined {
	if (!address) {
		return undefined;
	}
	const wanted = address.replace(/^::ffff:/, '').replace(/%.*$/, '');
	for (const [name, addresses] of Object.entries(networkInterfaces())) {
		if (addresses?.some(entry => entry.address.replace(/%.*$/, '') === wanted)) {
			return name;
		}
	}
	return undefined;
}
