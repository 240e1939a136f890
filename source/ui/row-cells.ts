/** The text of one table row, cell by cell. Pure, so the table stays a thin renderer. */
import {cellWidth} from '../model/cells.js';
import {formatSi} from '../model/format.js';
import {type InterfaceRow} from '../model/monitor.js';
import {sparkline} from '../model/sparkline.js';
import {type Columns} from './layout.js';
import {fit, safeName} from './text.js';

const SHORT_STATES: Readonly<Record<string, string>> = {unknown: 'unkn', dormant: 'dorm', lowerlayerdown: 'lldn', notpresent: 'gone', testing: 'test'};

export interface RowCells {
	readonly name: string;
	readonly netns: string;
	readonly state: string;
	readonly driver: string;
	/** Mode part of the XDP cell, coloured by mode. */
	readonly mode: string;
	readonly program: string;
	readonly ours: boolean;
	readonly foreign: boolean;
	readonly pps: string;
	readonly bps: string;
	readonly xdpDrop: string;
	readonly errors: string;
	readonly drop: string;
	readonly history: string;
}

/** "…" while the first interval runs or a sample is late (not warm either way), "—" when a rate cannot be known. */
function rate(row: InterfaceRow, value: number | undefined, width: number): string {
	return fit(row.warm ? formatSi(value) : '…', width, 'right');
}

export function rowCells(row: InterfaceRow, columns: Columns, ascii: boolean): RowCells {
	const [first] = row.xdp.attachments;
	const ours = row.xdp.attachments.some(attachment => attachment.ours);
	const mode = row.xdp.attachments.length === 0 ? '—' : row.xdp.attachMode;
	const programName = first ? safeName(first.progName || `id ${first.progId}`) : '';
	const programWidth = Math.max(0, columns.xdp - 5);
	const foreignMarker = programWidth >= 20 ? ' (foreign)' : ascii ? ' (f)' : ' ○';
	const marker = ours ? (ascii ? ' *' : ' ●') : first ? foreignMarker : '';
	// The marker must survive a long program name: cut the name, never the marker.
	const fitted = cellWidth(`${programName}${marker}`) > programWidth ? fit(programName, Math.max(1, programWidth - cellWidth(marker))) : programName;
	const programText = fit(`${fitted}${marker}`, programWidth);
	const state = columns.state >= 7 ? row.state : (SHORT_STATES[row.state] ?? row.state);
	return {
		name: fit(safeName(row.name), columns.name),
		netns: columns.netns > 0 ? fit(safeName(row.netns?.title ?? ''), columns.netns) : '',
		state: fit(state, columns.state),
		driver: fit(safeName(row.driver), columns.driver),
		mode: fit(mode, 5),
		program: programText,
		ours,
		foreign: !ours && first !== undefined,
		pps: rate(row, row.rxPps, columns.pps),
		bps: rate(row, row.rxBps, columns.bps),
		xdpDrop: rate(row, row.xdpDropPps, columns.xdpDrop),
		errors: rate(row, row.errPps, columns.errors),
		drop: rate(row, row.stackDropPps, columns.drop),
		history: sparkline(row.ppsHistory, columns.history, ascii),
	};
}
