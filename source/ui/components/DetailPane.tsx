import asciichart from 'asciichart';
import {Box, Text} from 'ink';
import {formatPercent, formatSi} from '../../model/format.js';
import {type BreakdownRow, type History, type InterfaceRow} from '../../model/monitor.js';
import {NOT_NATIVE} from '../../model/driver-verdicts.js';
import {holdersText, ownerText, type XdpAttachment} from '../../model/xdp.js';
import {axisLabelFormatter} from '../chart-axis.js';
import {type Theme} from '../theme.js';
import {fit, safeName} from '../text.js';

type Props = {
	readonly row: InterfaceRow | undefined;
	readonly height: number;
	readonly width: number;
	readonly chartWidth: number;
	readonly bpfStats: boolean;
	/** Rx per CPU instead of the breakdown (the c key). */
	readonly perCpu?: boolean;
	readonly theme: Theme;
};

const LABEL_WIDTH = 8;
const BREAKDOWN_WIDTH = 28;

/** Name, then the figures the table may not have room for, then what is attached (also in the table). */
export function titleLine(row: InterfaceRow): string {
	const parts = [safeName(row.name)];
	if (row.source === 'xdp' && row.xdpRxPps !== undefined && row.rxPps !== undefined) {
		const share = row.rxPps > 0 ? ` (${formatPercent(row.xdpRxPps, row.rxPps)} of rx)` : '';
		parts.push(`XDP saw ${formatSi(row.xdpRxPps)} pps${share}`);
	}
	if (row.warm && row.stackDropPps !== undefined) {
		parts.push(`stack drops ${formatSi(row.stackDropPps)}/s`);
	}
	const [first] = row.xdp.attachments;
	if (first) {
		parts.push(row.xdp.attachMode);
		for (const attachment of row.xdp.attachments) {
			const via = attachment.via === 'link' ? `bpf_link ${attachment.linkId ?? '?'}` : 'netlink';
			const tag = attachment.tag ? ` (tag ${attachment.tag.slice(0, 8)})` : '';
			parts.push(`prog ${attachment.progId} ${safeName(attachment.progName)}${tag} · ${ownerText(attachment)}, ${via}`);
		}
	} else {
		parts.push('no XDP program');
	}
	return parts.join(' · ');
}

function breakdownLines(title: string, rows: readonly BreakdownRow[] | undefined, count: number): string[] {
	if (!rows) {
		return [];
	}
	const total = rows.reduce((sum, row) => sum + (row.pps ?? 0), 0);
	const shown = [...rows].filter(row => (row.pps ?? 0) > 0).sort((a, b) => (b.pps ?? 0) - (a.pps ?? 0)).slice(0, count - 1);
	const lines = [`${title.padEnd(12)}${'pps'.padStart(7)}${'share'.padStart(9)}`];
	for (const row of shown) {
		lines.push(`${fit(row.label, 12)}${formatSi(row.pps).padStart(7)}${formatPercent(row.pps ?? 0, total).padStart(9)}`);
	}
	if (shown.length === 0) {
		lines.push('(no packets)');
	}
	return lines;
}

/** Every verdict, "—" where the driver gives no source for it: a missing figure is never a 0. */
function verdictLines(driver: string, rows: readonly BreakdownRow[] | undefined, count: number): string[] {
	// The source heads the list, so it is there however short the pane.
	const lines = [`${fit(`(${safeName(driver)})`, 12)}${'pps'.padStart(7)}${'share'.padStart(9)}`];
	if (!rows) {
		return [...lines, '(rates after one interval)'];
	}
	const total = rows.reduce((sum, row) => sum + (row.pps ?? 0), 0);
	// Busiest first and "—" last: where the pane is short, what it cuts matters least.
	const ordered = [...rows].sort((a, b) => (b.pps ?? -1) - (a.pps ?? -1));
	for (const row of ordered.slice(0, Math.max(0, count - 1))) {
		lines.push(
			row.pps === undefined
				? `${fit(row.label, 12)}${'—'.padStart(7)}`
				: `${fit(row.label, 12)}${formatSi(row.pps).padStart(7)}${formatPercent(row.pps, total).padStart(9)}`,
		);
	}
	return lines;
}

/** What failed in the program on this row, from xdptop's tracepoint programs: any mode, anyone's program. */
export function exceptionLine(row: InterfaceRow): string | undefined {
	const view = row.exceptions;
	if (!view) {
		return undefined;
	}
	if (view.unavailable) {
		return view.unavailable;
	}
	if (!view.byAction || !row.warm || row.errPps === undefined) {
		return 'exceptions: after one interval';
	}
	const actions = view.byAction.map(action => `${action.label} ${formatSi(action.pps)}/s`);
	return `exceptions ${formatSi(row.errPps)}/s (xdp tracepoints)${actions.length > 0 ? `: ${actions.join(', ')}` : ''}`;
}

/** Who keeps someone else's program alive, and what the kernel says of it. */
function factLines(attachment: XdpAttachment): string[] {
	const facts = attachment.facts;
	if (!facts) {
		return [];
	}
	const lines = [holdersText(attachment) ?? ''];
	const about = [
		facts.loadedAtMs === undefined ? undefined : `loaded ${new Date(facts.loadedAtMs).toLocaleString('sv-SE')}`,
		facts.uid === undefined ? undefined : `by uid ${facts.uid}`,
		facts.jitedBytes ? `JIT ${formatBytes(facts.jitedBytes)}` : undefined,
		facts.mapIds.length > 0 ? `maps ${facts.mapIds.join(', ')}` : undefined,
	].filter(Boolean);
	if (about.length > 0) {
		lines.push(about.join(' · '));
	}
	if (facts.functionName && facts.functionName !== attachment.progName) {
		lines.push(`function ${safeName(facts.functionName)}`);
	}
	return lines.filter(Boolean);
}

function formatBytes(bytes: number): string {
	return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * Rx per CPU from our program's per-CPU slots: where the frames are processed, so an RSS or queue
 * imbalance shows at a glance. Laid out in columns when the CPUs do not fit one under another.
 */
function perCpuLines(row: InterfaceRow, width: number, height: number): string[] {
	if (!row.perCpuPps) {
		return [
			row.source === 'xdp' ? 'per-CPU rates after one interval' : "per-CPU counts come from xdptop's program: space attaches it",
			'c goes back to the breakdown',
		];
	}
	const total = row.perCpuPps.reduce<number>((sum, pps) => sum + (pps ?? 0), 0);
	const cell = 28;
	const bar = 8;
	const cells = row.perCpuPps.map((pps, cpu) => {
		const share = pps !== undefined && total > 0 ? pps / total : 0;
		const filled = Math.round(share * bar);
		return `${`CPU${cpu}`.padEnd(6)}${formatSi(pps).padStart(7)} ${'█'.repeat(filled)}${'·'.repeat(bar - filled)} ${formatPercent(pps ?? 0, total).padStart(7)}`.padEnd(cell);
	});
	const rows = Math.max(1, height - 1);
	const lines = ['rx per CPU (pps, share)  c: back'];
	for (let line = 0; line < Math.min(rows, cells.length); line++) {
		const across: string[] = [];
		for (let index = line; index < cells.length; index += rows) {
			across.push(cells[index]!);
		}
		lines.push(fit(across.join('  '), width));
	}
	return lines;
}

function chartLines(values: History, width: number, height: number): string[] {
	const points = Math.max(2, width - LABEL_WIDTH - 2);
	const series = values.slice(-points);
	if (series.length < 2 || height < 2) {
		return ['(history fills in as samples come)'];
	}
	return asciichart
		.plot([...series], {height: height - 1, format: axisLabelFormatter(series, LABEL_WIDTH)})
		.split('\n');
}

function joinColumns(columns: ReadonlyArray<{lines: readonly string[]; width: number}>, height: number): string[] {
	const lines: string[] = [];
	for (let index = 0; index < height; index++) {
		lines.push(columns.map(column => fit(column.lines[index] ?? '', column.width)).join('  '));
	}
	return lines;
}

/** The selected interface in depth: what is attached, a chart of its history, where packets go. */
export function DetailPane({row, height, width, chartWidth, bpfStats, perCpu = false, theme}: Props) {
	if (!row) {
		return <Box height={height} />;
	}
	const body = Math.max(0, height - 1);
	let lines: string[];
	const foreign = row.xdp.attachments.find(attachment => !attachment.ours);
	if (perCpu) {
		lines = perCpuLines(row, width, body);
	} else if (row.source === 'xdp') {
		const columns = [];
		if (chartWidth > 0) {
			columns.push({lines: chartLines(row.ppsHistory, chartWidth, body), width: chartWidth});
		}
		const actions = breakdownLines('actions', row.actions, body);
		const protos = breakdownLines('protocols', row.protos, body);
		if (width - chartWidth >= 2 * BREAKDOWN_WIDTH + 4) {
			columns.push({lines: actions, width: BREAKDOWN_WIDTH}, {lines: protos, width: BREAKDOWN_WIDTH});
		} else {
			// Narrow: one list, actions then protocols, as far as the pane goes.
			columns.push({lines: [...actions, ...protos], width: BREAKDOWN_WIDTH});
		}
		lines = joinColumns(columns, body);
	} else {
		const notes: string[] = [];
		const verdicts = row.driverXdp && !row.driverXdp.unavailable ? verdictLines(row.driverXdp.driver, row.driverXdp.verdicts, body) : [];
		if (row.driverXdp) {
			notes.push(row.driverXdp.unavailable ? `no XDP verdicts: ${row.driverXdp.unavailable}` : `from ${safeName(row.driverXdp.driver)}'s counters (ethtool -S)`);
		} else if (foreign) {
			notes.push(`no XDP verdicts: ${NOT_NATIVE}`);
		}
		const exceptions = foreign && exceptionLine(row);
		if (exceptions) {
			notes.push(exceptions);
		}
		if (foreign) {
			notes.push(...factLines(foreign));
		}
		notes.push(...(row.driverXdp?.notes ?? []));
		if (foreign) {
			if (bpfStats && row.runStats) {
				notes.push(
					`${formatSi(row.runStats.runsPerSecond)} runs/s · ${row.runStats.nsPerRun === undefined ? '—' : row.runStats.nsPerRun.toFixed(0)} ns per run · ${row.runStats.cpuPercent === undefined ? '—' : row.runStats.cpuPercent.toFixed(2)} % CPU`,
				);
				notes.push('(kernel BPF stats are on: every XDP run costs ~20 ns more; S turns them off)');
			} else {
				notes.push('S turns on kernel BPF run-time stats for runs/s and ns per run');
				notes.push('(they cost ~20 ns per packet while on, for every program)');
			}
			notes.push('not ours: xdptop never replaces or detaches it');
		} else {
			notes.push('xdptop_stats is not attached here: rates are the kernel\'s own counters');
			notes.push('space attaches it for per-action and per-protocol counts');
		}
		// Someone else's program has more to say than the chart: the notes grow with the width.
		const chart = foreign && chartWidth > 0 ? Math.max(Math.min(chartWidth, width - BREAKDOWN_WIDTH - 2 - Math.max(56, (width - BREAKDOWN_WIDTH) / 2)), Math.min(chartWidth, 24)) : chartWidth;
		const columns = chart > 0 ? [{lines: chartLines(row.ppsHistory, chart, body), width: chart}] : [];
		const rest = width - chart - 2;
		if (verdicts.length === 0) {
			columns.push({lines: notes, width: Math.max(10, rest)});
		} else if (rest >= BREAKDOWN_WIDTH + 2 + 20) {
			columns.push({lines: verdicts, width: BREAKDOWN_WIDTH}, {lines: notes, width: rest - BREAKDOWN_WIDTH - 2});
		} else {
			columns.push({lines: [...verdicts, ...notes], width: Math.max(10, rest)});
		}
		lines = joinColumns(columns, body);
	}
	return (
		<Box flexDirection="column" height={height}>
			<Text bold wrap="truncate">
				{fit(titleLine(row), width)}
			</Text>
			{/* One Text for the body: Ink lays out and styles each node on every frame. */}
			<Text color={theme.chart} wrap="truncate">
				{lines.map(line => fit(line, width)).join('\n')}
			</Text>
		</Box>
	);
}
