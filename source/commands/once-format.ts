/** `xdptop --once` output: rates over one interval, as text or JSON. */
import {PROTO_LABELS, XDP_ACTIONS} from '../bpf/abi.js';
import {escapeControl} from '../model/escape.js';
import {ifnameHex, ifnameText} from '../model/ifname.js';
import {formatSi} from '../model/format.js';
import {type CountRate, type InterfaceRates, type RateRow, type RunRates} from '../model/sample.js';
import {type DriverReading} from '../net/driver-counters.js';
import {EXCEPTION_LABELS, type InterfaceExceptions} from '../model/exceptions.js';
import {type XdpAttachment} from '../model/xdp.js';

export interface OnceResult {
	readonly name: string;
	readonly ifindex: number;
	readonly ours: XdpAttachment | undefined;
	/** Set where a native-mode program that is not ours is attached: its driver, and what it counts. */
	readonly driver: {readonly name: string; readonly reading: DriverReading} | undefined;
	readonly rates: InterfaceRates;
	/** Set where a program is attached: its exceptions over the interval, or why they are not counted. */
	readonly exceptions: {readonly counted: InterfaceExceptions | undefined; readonly unavailable: string | undefined} | undefined;
	/** With --bpf-stats: each attached program's run-time rates over the interval. */
	readonly runs: ReadonlyArray<{readonly attachment: XdpAttachment; readonly rates: RunRates}> | undefined;
}

function countLine(label: string, row: CountRate | undefined): string {
	if (!row) {
		return `  ${label.padEnd(14)}—`;
	}
	return `  ${label.padEnd(14)}${formatSi(row.pps).padStart(7)} pps ${(row.packets === undefined ? '—' : String(row.packets)).padStart(25)} pkts`;
}

function rateLine(label: string, row: RateRow | undefined): string {
	if (!row) {
		return `  ${label.padEnd(14)}—`;
	}
	const packets = row.packets === undefined ? '—' : String(row.packets);
	return `  ${label.padEnd(14)}${formatSi(row.pps).padStart(7)} pps ${formatSi(row.bps).padStart(7)} bit/s  ${packets.padStart(10)} pkts`;
}

/** With `time` (-b), each block starts with when it was sampled. */
export function formatOnce(results: readonly OnceResult[], intervalSeconds: number, time?: Date): string {
	const lines: string[] = [`${time ? `${time.toISOString()}  ` : ''}rates over ${intervalSeconds} s`];
	for (const result of results) {
		const xdp = result.ours ? `xdptop_stats in ${result.ours.mode} mode` : 'no xdptop program';
		lines.push(`${escapeControl(result.name)}  (${xdp})`);
		lines.push(rateLine('kernel rx', result.rates.kernelRx));
		if (result.rates.xdp) {
			result.rates.xdp.actions.forEach((row, index) => {
				if (row.packets !== 0n) {
					lines.push(rateLine(`XDP ${XDP_ACTIONS[index] ?? index}`, row));
				}
			});
			result.rates.xdp.protos?.forEach((row, index) => {
				if (row.packets !== 0n) {
					lines.push(rateLine(`  ${PROTO_LABELS[index] ?? index}`, row));
				}
			});
		}
		for (const {attachment, rates} of result.runs ?? []) {
			const nsPerRun = rates.nsPerRun === undefined ? '—' : rates.nsPerRun.toFixed(0);
			const cpu = rates.cpuPercent === undefined ? '—' : rates.cpuPercent.toFixed(2);
			lines.push(`  prog ${attachment.progId} ${escapeControl(attachment.progName)}: ${formatSi(rates.runsPerSecond)} runs/s, ${nsPerRun} ns per run, ${cpu} % CPU`);
		}
		if (result.exceptions?.counted) {
			const {counted} = result.exceptions;
			const failed = counted.byAction.filter(action => action.packets > 0n).map(action => `${action.label} ${action.packets}`);
			lines.push(`${countLine('XDP exceptions', counted)}${failed.length > 0 ? `  (${failed.join(', ')})` : ''}`);
		} else if (result.exceptions) {
			lines.push(`  XDP exceptions  — (${result.exceptions.unavailable ?? 'not counted'})`);
		}
		if (result.driver?.reading.kind === 'none') {
			lines.push(`  not ours: no XDP verdicts (${result.driver.reading.reason})`);
		} else if (result.driver) {
			lines.push(`  not ours, native: verdicts from ${escapeControl(result.driver.name)}'s own counters`);
			for (const verdict of XDP_ACTIONS) {
				lines.push(countLine(`XDP ${verdict}`, result.rates.driver?.verdicts[verdict]));
			}
		}
	}
	return lines.join('\n');
}

interface RateJson {
	readonly packets: number | null;
	readonly bytes: number | null;
	readonly pps: number | null;
	readonly bps: number | null;
}

function rateJson(row: RateRow | undefined): RateJson | null {
	if (!row) {
		return null;
	}
	return {
		packets: row.packets === undefined ? null : Number(row.packets),
		bytes: row.bytes === undefined ? null : Number(row.bytes),
		pps: row.pps ?? null,
		bps: row.bps ?? null,
	};
}

function countJson(row: CountRate | undefined) {
	return row ? {packets: row.packets === undefined ? null : Number(row.packets), pps: row.pps ?? null} : null;
}

/** null where no native program of someone else's is attached; verdicts null where the driver has no source. */
function driverJson(result: OnceResult) {
	if (!result.driver) {
		return null;
	}
	const {name, reading} = result.driver;
	if (reading.kind === 'none') {
		return {driver: name, source: 'driver counters', packets: null, verdicts: null, errors: null, notes: [], unavailable: reading.reason};
	}
	const rates = result.rates.driver;
	return {
		driver: name,
		source: 'driver counters',
		packets: countJson(rates?.packets),
		verdicts: Object.fromEntries(XDP_ACTIONS.map(verdict => [verdict, countJson(rates?.verdicts[verdict])])),
		errors: countJson(rates?.errors),
		notes: reading.notes,
		unavailable: null,
	};
}

/** null where no program is attached; counts null (and why) where exceptions cannot be counted. */
function exceptionsJson(result: OnceResult) {
	if (!result.exceptions) {
		return null;
	}
	const {counted, unavailable} = result.exceptions;
	return {
		source: 'xdp tracepoints',
		packets: counted ? Number(counted.packets) : null,
		pps: counted?.pps ?? null,
		byAction: Object.fromEntries(
			EXCEPTION_LABELS.map((label, action) => {
				const row = counted?.byAction[action];
				return [label, row ? {packets: Number(row.packets), pps: row.pps} : null];
			}),
		),
		unavailable: counted ? null : (unavailable ?? 'not counted'),
	};
}

function keyed(labels: readonly string[], rows: readonly RateRow[]): Record<string, RateJson | null> {
	return Object.fromEntries(rows.map((row, index) => [labels[index] ?? String(index), rateJson(row)]));
}

export function onceJson(results: readonly OnceResult[], intervalSeconds: number) {
	return results.map(result => ({
		name: ifnameText(result.name),
		nameBytes: ifnameHex(result.name),
		ifindex: result.ifindex,
		intervalSeconds,
		elapsedSeconds: result.rates.elapsedMs / 1000,
		rx: rateJson(result.rates.kernelRx),
		xdp: result.rates.xdp
			? {
					mode: result.ours?.mode ?? null,
					progId: result.ours?.progId ?? null,
					actions: keyed(XDP_ACTIONS, result.rates.xdp.actions),
					protos: keyed(PROTO_LABELS, result.rates.xdp.protos ?? []),
				}
			: null,
		driverXdp: driverJson(result),
		exceptions: exceptionsJson(result),
		runStats:
			result.runs?.map(({attachment, rates}) => ({
				progId: attachment.progId,
				progName: attachment.progName,
				ours: attachment.ours,
				runs: rates.runs === undefined ? null : Number(rates.runs),
				runsPerSecond: rates.runsPerSecond ?? null,
				nsPerRun: rates.nsPerRun ?? null,
				cpuPercent: rates.cpuPercent ?? null,
			})) ?? null,
	}));
}
