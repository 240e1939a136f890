/**
 * Sends `count` UDP frames from `ifname` in the namespace mounted at `namespace`, in bursts of 50
 * every 20 ms, then exits: a sender that stays on whatever CPUs it is started on (taskset),
 * unlike trafgen, which binds its workers to CPUs of its own choosing.
 * Usage: node --import tsx send-main.ts NAMESPACE_PATH IFNAME COUNT
 */
import {startTraffic} from '../../source/demo/traffic.js';
import {udpFrame} from './netns.js';

const [namespace, ifname, count] = process.argv.slice(2);
const traffic = startTraffic(namespace!, ifname!, {frames: [udpFrame()], burst: 50, intervalMs: 20, limit: Number(count)});
const done = setInterval(() => {
	if (traffic.sent() >= Number(count)) {
		clearInterval(done);
		traffic.stop();
	}
}, 20);
// Bounded in time too: whatever was sent by then, it ends.
setTimeout(() => process.exit(0), 30_000).unref();
