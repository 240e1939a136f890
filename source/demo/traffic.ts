/**
 * The demo's traffic: its mix of frames, sent from the peer end of the lab by this process at a
 * modest pace and bounded in count. It ends with this process, whatever ends that.
 */
import {openPacketSocket} from '../bpf/packet-socket.js';

export interface TrafficPlan {
	readonly frames: readonly Buffer[];
	/** Frames per burst, one burst per interval. */
	readonly burst: number;
	readonly intervalMs: number;
	/** Frames tried in all (sent or refused), after which it stops by itself. */
	readonly limit: number;
}

export interface Traffic {
	/** Frames sent so far. */
	sent(): number;
	stop(): void;
}

export function startTraffic(namespacePath: string, ifname: string, plan: TrafficPlan): Traffic {
	const socket = openPacketSocket(namespacePath, ifname);
	let sent = 0;
	let tried = 0;
	const stop = () => {
		clearInterval(timer);
		socket.close();
	};
	const timer = setInterval(() => {
		for (let i = 0; i < plan.burst && tried < plan.limit; i++) {
			// A refused frame (the link just went down) is not retried.
			if (socket.send(plan.frames[tried % plan.frames.length]!)) {
				sent++;
			}
			tried++;
		}
		if (tried >= plan.limit) {
			stop();
		}
	}, plan.intervalMs);
	// The demo waits on its monitor child, not on its traffic.
	timer.unref();
	return {sent: () => sent, stop};
}
