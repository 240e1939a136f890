/**
 * `xdptop --cleanup`: removes attachments an earlier `xdptop --keep` pinned. Every attachment
 * xdptop makes is a bpf_link, so nothing else of ours can outlive its process.
 */
import {closeFd} from '../bpf/libbpf.js';
import {openPins, pinnedInterfaces, removePins} from '../bpf/pins.js';
import {detachLink} from '../bpf/xdp.js';
import {escapeControl} from '../model/escape.js';

export function runCleanup(): void {
	const removed: string[] = [];
	for (const ifname of pinnedInterfaces()) {
		const fds = openPins(ifname);
		if (fds) {
			try {
				detachLink(fds.linkFd);
			} catch {
				// Its interface is already gone, and the attachment with it: only the pins are left.
			}
			[fds.linkFd, fds.actionsMapFd, fds.protosMapFd].forEach(closeFd);
		}
		removePins(ifname);
		removed.push(escapeControl(ifname));
	}
	process.stdout.write(
		removed.length > 0
			? `detached xdptop_stats kept on ${removed.join(', ')} and removed its pins\n`
			: 'nothing of xdptop was left pinned\n',
	);
}
