/**
 * What the monitor reads every tick, on its own: the long-lived lister's interfaces and the
 * kernel's counters, with each name as its bytes in hex. Run inside a test's namespace.
 */
import {ifnameHex} from '../../source/model/ifname.js';
import {InterfaceLister} from '../../source/net/interfaces.js';
import {KernelCounters} from '../../source/net/kernel-counters.js';

const lister = new InterfaceLister();
const kernelCounters = new KernelCounters();
try {
	const interfaces = await lister.list();
	const counters = kernelCounters.read();
	const report = {
		interfaces: interfaces.map(entry => ({hex: ifnameHex(entry.name), ifindex: entry.ifindex, driver: entry.driver, counted: counters.has(entry.ifindex)})),
		counters: [...counters.keys()],
	};
	process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
	lister.close();
	kernelCounters.close();
}
