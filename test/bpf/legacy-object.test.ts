/**
 * The earlier layouts' programs, loaded as an xdptop of that layout loaded them: --cleanup's
 * tests keep them on links, and the bench weighs today's program against the last of them.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {BPF_MAP_TYPE_ARRAY, COUNTERS_MAP, LEGACY_LAYOUTS} from '../../source/bpf/abi.js';
import {mapInfoByFd} from '../../source/bpf/info.js';
import {cpuRowsPerSlot} from '../../source/bpf/maps.js';
import {loadLegacyStatsObject} from '../../source/bpf/object.js';

test('a layout with a row per CPU id is loaded with a row for every CPU id', () => {
	const sized: string[] = [];
	for (const layout of LEGACY_LAYOUTS) {
		const counters = layout.maps.find(map => map.name === COUNTERS_MAP);
		if (counters?.type !== BPF_MAP_TYPE_ARRAY) {
			continue;
		}
		const object = loadLegacyStatsObject(layout);
		try {
			const {maxEntries} = mapInfoByFd(object.mapFd(COUNTERS_MAP));
			// With the object's one row, a frame on any CPU but the first counted nowhere (and cost
			// less, which made the bench's previous program look faster than it is).
			assert.equal(maxEntries, cpuRowsPerSlot(), layout.object);
			sized.push(layout.object);
		} finally {
			object.close();
		}
	}
	assert.deepEqual(sized, ['legacy/xdp_stats_v4.bpf.o']);
});
