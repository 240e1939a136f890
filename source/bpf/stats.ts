/** Kernel BPF run-time stats (run_cnt, run_time_ns): on while xdptop holds the fd, off after. */
import {check, closeFd, libbpf} from './libbpf.js';

const BPF_STATS_RUN_TIME = 0;

let statsFd = -1;

export function bpfStatsEnabled(): boolean {
	return statsFd >= 0;
}

export function setBpfStats(enabled: boolean): void {
	if (enabled && statsFd < 0) {
		statsFd = check('enable BPF run-time stats', libbpf().enableStats(BPF_STATS_RUN_TIME));
	} else if (!enabled && statsFd >= 0) {
		closeFd(statsFd);
		statsFd = -1;
	}
}
