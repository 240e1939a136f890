/**
 * What --listen exports, as metric families: the counters as the kernel counts them (Prometheus
 * computes the rates), from one sample. Pure: the sample in, families out; prom-client formats
 * them (serve/registries.ts).
 */
import {PROTO_CLASSES, XDP_ACTIONS} from '../bpf/abi.js';
import {type Round} from '../commands/stream-sampler.js';
import {escapeControl} from '../model/escape.js';
import {EXCEPTION_LABELS} from '../model/exceptions.js';

export type MetricType = 'counter' | 'gauge';

export interface MetricDefinition {
	readonly name: string;
	readonly help: string;
	readonly type: MetricType;
	readonly labelNames: readonly string[];
}

export interface MetricSample {
	readonly labels: Readonly<Record<string, string>>;
	readonly value: number;
}

const IF = ['interface', 'ifindex'] as const;
const PROGRAM = ['prog_id', 'prog_name', 'prog_tag'] as const;

/** Every family, always in this order: a scrape names each even when it has no sample. */
export const METRICS = {
	build: {name: 'xdptop_build_info', type: 'gauge', help: 'Always 1: the version of xdptop serving these metrics.', labelNames: ['version']},
	sampleTime: {name: 'xdptop_last_sample_timestamp_seconds', type: 'gauge', help: 'When the sample served was taken (Unix time).', labelNames: []},
	sampleDuration: {name: 'xdptop_last_sample_duration_seconds', type: 'gauge', help: 'How long taking the sample served took.', labelNames: []},
	interfaceInfo: {name: 'xdptop_interface_info', type: 'gauge', help: 'Always 1: an interface, its operational state and driver. interface is the name as xdptop shows and -i takes it (control bytes and bytes that are not UTF-8 escaped).', labelNames: [...IF, 'state', 'driver']},
	rxPackets: {name: 'xdptop_network_receive_packets_total', type: 'counter', help: "Packets the interface received (the kernel's counter).", labelNames: IF},
	rxBytes: {name: 'xdptop_network_receive_bytes_total', type: 'counter', help: "Bytes the interface received (the kernel's counter).", labelNames: IF},
	rxDropped: {name: 'xdptop_network_receive_drop_total', type: 'counter', help: 'Received packets the kernel dropped (rx_dropped and rx_missed_errors).', labelNames: IF},
	attachment: {
		name: 'xdptop_xdp_attachment_info',
		type: 'gauge',
		help: "Always 1: an XDP program attached to an interface. owner is xdptop for xdptop's own counting program (proven by tag and maps), else foreign; attach_type is link (bpf_link) or netlink.",
		labelNames: [...IF, 'mode', ...PROGRAM, 'owner', 'attach_type'],
	},
	xdpPackets: {name: 'xdptop_xdp_packets_total', type: 'counter', help: "Frames xdptop's program counted, by protocol class, since it was attached (it passes every frame).", labelNames: [...IF, 'protocol']},
	xdpBytes: {name: 'xdptop_xdp_bytes_total', type: 'counter', help: "Bytes xdptop's program counted, by protocol class, since it was attached.", labelNames: [...IF, 'protocol']},
	driverVerdicts: {
		name: 'xdptop_driver_xdp_verdict_packets_total',
		type: 'counter',
		help: "XDP verdicts of a foreign native-mode program, from the driver's own counters (where the driver keeps them).",
		labelNames: [...IF, 'driver', 'verdict'],
	},
	driverErrors: {name: 'xdptop_driver_xdp_errors_total', type: 'counter', help: "XDP_TX and redirect failures the driver counted, where it does.", labelNames: [...IF, 'driver']},
	exceptions: {
		name: 'xdptop_xdp_exceptions_total',
		type: 'counter',
		help: "XDP exceptions (aborted, failed TX or redirect, invalid action) of any program on the interface, from the kernel's tracepoints, since xdptop started.",
		labelNames: [...IF, 'action'],
	},
	exceptionsCounted: {name: 'xdptop_xdp_exceptions_counted', type: 'gauge', help: '1 while XDP exceptions are counted on this host, 0 when not (no BTF, or the table was full).', labelNames: []},
	runs: {name: 'xdptop_bpf_program_runs_total', type: 'counter', help: 'Runs of an attached XDP program (kernel BPF run-time stats: with --bpf-stats only).', labelNames: PROGRAM},
	runSeconds: {name: 'xdptop_bpf_program_run_seconds_total', type: 'counter', help: 'Time spent running an attached XDP program (kernel BPF run-time stats: with --bpf-stats only).', labelNames: PROGRAM},
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;
export type Families = Readonly<Record<MetricKey, readonly MetricSample[]>>;

/** A label value: lower case words joined by _ ("IPv4 UDP" -> "ipv4_udp"). */
function slug(label: string): string {
	return label.toLowerCase().replaceAll(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

export const PROTOCOL_LABELS: readonly string[] = PROTO_CLASSES.map(entry => slug(entry.label));
export const EXCEPTION_ACTION_LABELS: readonly string[] = EXCEPTION_LABELS.map(slug);

/**
 * Exceptions are read as what happened since the sample before; a counter needs their sum. Kept
 * per interface (ifindex and name) while it exists; counted from xdptop's start.
 */
export class ExceptionTotals {
	#totals = new Map<string, bigint[]>();
	#known = true;

	add(round: Round): void {
		const next = new Map<string, bigint[]>();
		this.#known = round.exceptionsUnavailable === undefined;
		for (const {status, exceptions} of round.interfaces) {
			const key = `${status.ifindex}/${status.name}`;
			const totals = this.#totals.get(key) ?? EXCEPTION_LABELS.map(() => 0n);
			exceptions?.byAction.forEach((row, action) => {
				totals[action]! += row.packets;
			});
			next.set(key, totals);
		}
		this.#totals = next;
	}

	get counted(): boolean {
		return this.#known;
	}

	of(ifindex: number, name: string): readonly bigint[] | undefined {
		return this.#totals.get(`${ifindex}/${name}`);
	}
}

export function buildFamilies(round: Round, durationSeconds: number, exceptions: ExceptionTotals, version: string): Families {
	const families: Record<MetricKey, MetricSample[]> = Object.fromEntries(Object.keys(METRICS).map(key => [key, []])) as unknown as Record<MetricKey, MetricSample[]>;
	families.build.push({labels: {version}, value: 1});
	families.sampleTime.push({labels: {}, value: round.time.getTime() / 1000});
	families.sampleDuration.push({labels: {}, value: durationSeconds});
	families.exceptionsCounted.push({labels: {}, value: exceptions.counted ? 1 : 0});
	const programsSeen = new Set<number>();
	for (const {status, sampled} of round.interfaces) {
		const where = {interface: escapeControl(status.name), ifindex: String(status.ifindex)};
		families.interfaceInfo.push({labels: {...where, state: status.state, driver: status.driver}, value: 1});
		const kernel = sampled.sample.kernel;
		if (kernel) {
			families.rxPackets.push({labels: where, value: Number(kernel.rxPackets)});
			families.rxBytes.push({labels: where, value: Number(kernel.rxBytes)});
			if (kernel.rxDropped !== undefined) {
				families.rxDropped.push({labels: where, value: Number(kernel.rxDropped)});
			}
		}
		for (const attachment of status.xdp.attachments) {
			const program = {prog_id: String(attachment.progId), prog_name: attachment.progName, prog_tag: attachment.tag};
			families.attachment.push({
				labels: {...where, mode: attachment.mode, ...program, owner: attachment.ours ? 'xdptop' : 'foreign', attach_type: attachment.via},
				value: 1,
			});
			const run = sampled.runs.get(attachment.progId);
			if (run && !programsSeen.has(attachment.progId)) {
				programsSeen.add(attachment.progId);
				families.runs.push({labels: program, value: Number(run.count)});
				families.runSeconds.push({labels: program, value: Number(run.timeNs) / 1e9});
			}
		}
		sampled.sample.xdp?.protos?.forEach((row, index) => {
			const labels = {...where, protocol: PROTOCOL_LABELS[index] ?? String(index)};
			families.xdpPackets.push({labels, value: Number(row.packets)});
			families.xdpBytes.push({labels, value: Number(row.bytes)});
		});
		const driver = sampled.sample.driver;
		if (driver) {
			for (const verdict of XDP_ACTIONS) {
				const count = driver.verdicts[verdict];
				if (count !== undefined) {
					families.driverVerdicts.push({labels: {...where, driver: status.driver, verdict}, value: Number(count)});
				}
			}
			if (driver.errors !== undefined) {
				families.driverErrors.push({labels: {...where, driver: status.driver}, value: Number(driver.errors)});
			}
		}
		const failed = status.xdp.attachments.length > 0 ? exceptions.of(status.ifindex, status.name) : undefined;
		failed?.forEach((count, action) => {
			families.exceptions.push({labels: {...where, action: EXCEPTION_ACTION_LABELS[action]!}, value: Number(count)});
		});
	}
	return families;
}
