/** How the screen is divided at a given terminal size. Pure. */

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 12;

/** Header, column titles, two rules and the status line. */
const FIXED_LINES = 5;

export interface Columns {
	readonly name: number;
	/** The row's network namespace: only when every namespace is shown (-A). */
	readonly netns: number;
	readonly state: number;
	readonly driver: number;
	readonly xdp: number;
	readonly pps: number;
	readonly bps: number;
	/** XDP_DROP verdicts per second. */
	readonly xdpDrop: number;
	/** XDP exceptions per second (aborted, invalid action, failed TX or redirect). */
	readonly errors: number;
	/** The stack's drops (rx_dropped) per second: in the detail pane's title where this is 0. */
	readonly drop: number;
	readonly history: number;
}

export interface Layout {
	readonly width: number;
	readonly tooSmall: boolean;
	readonly tableRows: number;
	readonly detailRows: number;
	/** The detail pane has room for a chart beside the breakdown. */
	readonly chartWidth: number;
	readonly columns: Columns;
}

/**
 * The marker column ("> " for the selected row) comes before these. As the terminal narrows the
 * history goes first, then the driver (also in `xdptop list`), the stack's drops (then in the
 * detail pane's title), the exceptions and the XDP drops; name, XDP and RX stay.
 */
export function columnsFor(width: number, allNamespaces = false): Columns {
	const wide = width >= 110;
	const fixed = {
		// With -A the namespace takes what the history had, and at 80 columns a little of the name.
		name: allNamespaces && width < 100 ? 11 : 15,
		netns: allNamespaces ? (width >= 120 ? 14 : width >= 100 ? 12 : 9) : 0,
		// Below 70 columns -A has no room for the state (xdptop list -A has it).
		state: allNamespaces && width < 70 ? 0 : wide ? 7 : 5,
		driver: wide ? 10 : width >= 104 ? 7 : 0,
		xdp: width >= 120 ? 28 : width >= 100 ? 22 : 18,
		pps: 7,
		bps: 8,
		xdpDrop: width >= 70 ? 7 : 0,
		errors: width >= 78 ? 5 : 0,
		drop: width >= 90 ? 6 : 0,
	};
	const used = 2 + Object.values(fixed).reduce((sum, value) => sum + (value > 0 ? value + 1 : 0), 0);
	return {...fixed, history: Math.max(0, width - used - 1)};
}

/** The whole frame stays at most rows - 1 lines: at full height Ink 6 redraws everything every frame. */
export function layoutFor(width: number, height: number, allNamespaces = false): Layout {
	const tooSmall = width < MIN_COLUMNS || height < MIN_ROWS;
	const budget = Math.max(0, height - 1 - FIXED_LINES);
	const detailRows = Math.min(9, Math.max(3, Math.floor(budget * 0.35)));
	return {
		width,
		tooSmall,
		tableRows: Math.max(1, budget - detailRows),
		detailRows,
		chartWidth: width >= 100 ? width - 62 : width >= 76 ? width - 44 : 0,
		columns: columnsFor(width, allNamespaces),
	};
}
