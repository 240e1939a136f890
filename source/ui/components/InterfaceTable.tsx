import {Box, Text} from 'ink';
import {memo} from 'react';
import {type InterfaceRow} from '../../model/monitor.js';
import {type Columns} from '../layout.js';
import {rowCells, type RowCells} from '../row-cells.js';
import {type Theme} from '../theme.js';
import {fit} from '../text.js';

type Props = {
	/** Only the rows on screen: the table never renders what cannot be seen. */
	readonly rows: readonly InterfaceRow[];
	readonly selectedKey: string | undefined;
	readonly columns: Columns;
	readonly height: number;
	readonly width: number;
	readonly ascii: boolean;
	readonly theme: Theme;
	readonly emptyText: string;
};

function cell(text: string, width: number): string {
	return width > 0 ? `${text} ` : '';
}

/** Changes only with the layout: not rendered again on a tick. */
export const TableTitles = memo(function TableTitles({columns, width, theme}: {readonly columns: Columns; readonly width: number; readonly theme: Theme}) {
	const line =
		'  ' +
		cell(fit('IFACE', columns.name), columns.name) +
		cell(fit('NETNS', columns.netns), columns.netns) +
		cell(fit('STATE', columns.state), columns.state) +
		cell(fit('DRIVER', columns.driver), columns.driver) +
		cell(fit('XDP', columns.xdp), columns.xdp) +
		cell(fit('RX pps', columns.pps, 'right'), columns.pps) +
		cell(fit('RX bit/s', columns.bps, 'right'), columns.bps) +
		cell(fit('XDROP/s', columns.xdpDrop, 'right'), columns.xdpDrop) +
		cell(fit('ERR/s', columns.errors, 'right'), columns.errors) +
		cell(fit('DROP/s', columns.drop, 'right'), columns.drop) +
		fit(columns.history > 8 ? 'HISTORY (pps)' : '', columns.history);
	return (
		<Text bold color={theme.title} wrap="truncate">
			{fit(line, width)}
		</Text>
	);
});

type RowProps = RowCells & {readonly selected: boolean; readonly columns: Columns; readonly theme: Theme; readonly failing: boolean};

/**
 * One row from its cells' text alone: a row whose text did not change since the last frame is not
 * rendered again (memo compares these strings), which is most rows on most ticks.
 */
const Row = memo(function Row({selected, columns, theme, failing, ...cells}: RowProps) {
	const modeColor = theme.mode[cells.mode.trim()];
	return (
		<Text inverse={selected && theme.selectedInverse} wrap="truncate">
			{selected ? '> ' : '  '}
			{cell(cells.name, columns.name)}
			{cell(cells.netns, columns.netns)}
			{cell(cells.state, columns.state)}
			{cell(cells.driver, columns.driver)}
			<Text color={modeColor}>{cells.mode}</Text>
			<Text color={cells.ours ? theme.ours : cells.foreign ? theme.foreign : undefined}>{cell(cells.program, columns.xdp - 5)}</Text>
			{cell(cells.pps, columns.pps)}
			{cell(cells.bps, columns.bps)}
			{cell(cells.xdpDrop, columns.xdpDrop)}
			<Text color={failing ? theme.error : undefined}>{cell(cells.errors, columns.errors)}</Text>
			{cell(cells.drop, columns.drop)}
			<Text color={theme.chart}>{cells.history}</Text>
		</Text>
	);
});

/** Exactly `height` lines, so the frame never changes height as rows come and go. */
export function InterfaceTable({rows, selectedKey, columns, height, width, ascii, theme, emptyText}: Props) {
	return (
		<Box flexDirection="column" height={height}>
			{rows.length === 0 ? (
				<Text color={theme.dim}>{fit(`  ${emptyText}`, width)}</Text>
			) : (
				rows.map(row => (
					<Row
						key={row.key}
						{...rowCells(row, columns, ascii)}
						selected={row.key === selectedKey}
						columns={columns}
						theme={theme}
						failing={row.warm && (row.errPps ?? 0) > 0}
					/>
				))
			)}
		</Box>
	);
}
