/** The kernel's refusals, in plain words that say what to do next. */
import {escapeControl} from './escape.js';
import {MODE_NAMES, type XdpAttachment, type XdpMode} from './xdp.js';

export interface AttachContext {
	readonly ifname: string;
	readonly driver: string;
	readonly mode: XdpMode;
}

/** `code` is the errno name (EBUSY ...); `description` strerror's text for anything unforeseen. */
export function explainAttachFailure(context: AttachContext, code: string, description: string): string {
	const name = escapeControl(context.ifname);
	const driver = escapeControl(context.driver);
	const mode = MODE_NAMES[context.mode];
	switch (code) {
		case 'EBUSY':
			return `${name} already has an XDP program in ${context.mode} mode; xdptop does not replace it`;
		case 'EEXIST':
			return `${name}: native and generic XDP cannot be active at the same time; detach the other program first`;
		case 'ENODEV':
		case 'ENXIO':
			return `${name} no longer exists`;
		case 'EPERM':
		case 'EACCES':
			return "the kernel refused (permission denied): xdptop needs CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN (or CAP_PERFMON, for the verifier) on the host; run it as root with sudo (a container's root is not enough)";
		default:
			break;
	}
	if (context.mode === 'hw' && (code === 'EINVAL' || code === 'EOPNOTSUPP')) {
		return `hardware offload is not supported by driver ${driver} on ${name}; use drv or skb mode`;
	}
	if (context.mode === 'drv' && code === 'EOPNOTSUPP') {
		return `driver ${driver} has no native XDP support on ${name}; use skb (generic) mode`;
	}
	if (context.mode === 'drv' && (code === 'EINVAL' || code === 'ERANGE')) {
		return `driver ${driver} refused native XDP on ${name} (${description}: often the MTU is too large or too few queues); use skb mode`;
	}
	return `${mode} attach on ${name} failed: ${description} (${code})`;
}

/** Why xdptop will not attach where another program already is. */
export function describeConflict(ifname: string, blocking: XdpAttachment): string {
	const program = blocking.progName ? `'${escapeControl(blocking.progName)}' (id ${blocking.progId})` : `id ${blocking.progId}`;
	if (blocking.olderXdptop) {
		return `${escapeControl(ifname)} already has ${program}, kept by an older xdptop, attached in ${blocking.mode} mode; xdptop --cleanup removes it`;
	}
	const owner = blocking.ours ? 'an xdptop program of another process' : `program ${program}`;
	return `${escapeControl(ifname)} already has ${owner} attached in ${blocking.mode} mode; xdptop does not replace or detach it`;
}

/** Which existing attachment keeps `mode` from being used: native and generic exclude each other. */
export function blockingAttachment(attachments: readonly XdpAttachment[], mode: XdpMode): XdpAttachment | undefined {
	return attachments.find(attachment =>
		mode === 'hw' ? attachment.mode === 'hw' : attachment.mode === 'drv' || attachment.mode === 'skb',
	);
}
