/**
 * Colours carry meaning only as a second channel: every token below also has a text marker
 * (●, >, the mode name, "error:"), so NO_COLOR shows the same information.
 */
export interface Theme {
	readonly header: string | undefined;
	readonly title: string | undefined;
	readonly ours: string | undefined;
	readonly foreign: string | undefined;
	readonly mode: Readonly<Record<string, string | undefined>>;
	readonly error: string | undefined;
	readonly success: string | undefined;
	readonly dim: string | undefined;
	readonly chart: string | undefined;
	readonly selectedInverse: boolean;
}

export const colorTheme: Theme = {
	header: 'cyan',
	title: 'blue',
	ours: 'green',
	foreign: 'yellow',
	mode: {drv: 'green', skb: 'cyan', hw: 'magenta', multi: 'yellow'},
	error: 'red',
	success: 'green',
	dim: 'gray',
	chart: 'cyan',
	selectedInverse: true,
};

export const noColorTheme: Theme = {
	header: undefined,
	title: undefined,
	ours: undefined,
	foreign: undefined,
	mode: {},
	error: undefined,
	success: undefined,
	dim: undefined,
	chart: undefined,
	// Inverse video is not colour: it still marks the selection, next to the ">" marker.
	selectedInverse: true,
};
