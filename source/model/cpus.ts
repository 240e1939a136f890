/** CPU masks as sysfs writes them. */

/**
 * One more than the highest CPU in a list such as "0-3,8-11" (/sys/devices/system/cpu/possible):
 * how many CPU ids there are, gaps included. undefined for text that is not such a list.
 */
export function cpuIdCount(list: string): number | undefined {
	let highest = -1;
	for (const range of list.trim().split(',')) {
		const match = /^(\d+)(?:-(\d+))?$/.exec(range);
		if (!match) {
			return undefined;
		}
		const [first, last] = [Number(match[1]), Number(match[2] ?? match[1])];
		if (last < first) {
			return undefined;
		}
		highest = Math.max(highest, last);
	}
	return highest + 1;
}
