/** Figures measured side by side in one run: each with its anchor, ratio and target. */
import {writeFileSync} from 'node:fs';

export interface Figure {
	readonly metric: string;
	readonly value: number;
	readonly unit: string;
	/** The anchor measured in the same run, and value / anchor. */
	readonly vs?: string;
	readonly ratio?: number;
	/** e.g. "<= 1.15x empty"; met is undefined when there is no target. */
	readonly target?: string;
	readonly met?: boolean;
}

const figures: Figure[] = [];

export function record(figure: Figure): Figure {
	figures.push(figure);
	const ratio = figure.ratio === undefined ? '' : `  ${figure.ratio.toFixed(3)}x ${figure.vs ?? ''}`;
	const target = figure.target ? `  target ${figure.target}: ${figure.met ? 'met' : 'MISSED'}` : '';
	process.stdout.write(`  ${figure.metric.padEnd(44)} ${format(figure.value).padStart(10)} ${figure.unit.padEnd(8)}${ratio}${target}\n`);
	return figure;
}

export function value(metric: string): number {
	const found = figures.find(figure => figure.metric === metric);
	if (!found) {
		throw new Error(`no figure ${metric} yet`);
	}
	return found.value;
}

function format(value: number): string {
	return Math.abs(value) >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toPrecision(3);
}

export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function section(title: string): void {
	process.stdout.write(`\n${title}\n`);
}

/** The table as markdown, for the README's Performance section. */
export function markdown(): string {
	const rows = figures.map(
		figure =>
			`| ${figure.metric} | ${format(figure.value)} ${figure.unit} | ${figure.ratio === undefined ? '' : `${figure.ratio.toFixed(3)}x ${figure.vs}`} | ${figure.target ?? ''} | ${figure.met === undefined ? '' : figure.met ? 'met' : '**missed**'} |`,
	);
	return ['| metric | value | ratio | target | |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export function writeJson(path: string): void {
	const json = Object.fromEntries(
		figures.map(figure => [figure.metric, {value: figure.value, unit: figure.unit, ...(figure.ratio === undefined ? {} : {ratio: figure.ratio, vs: figure.vs}), ...(figure.target ? {target: figure.target, met: figure.met} : {})}]),
	);
	writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
}

export function missed(): Figure[] {
	return figures.filter(figure => figure.met === false);
}
