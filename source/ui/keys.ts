/**
 * Every key of the monitor, in one table: it drives the input handler, the footer hints, the
 * `?` overlay and the README's key table (test/ui/keys.test.ts checks the README).
 */
export type Command =
	| 'up'
	| 'down'
	| 'pageUp'
	| 'pageDown'
	| 'home'
	| 'end'
	| 'toggle'
	| 'cycleMode'
	| 'detach'
	| 'sort'
	| 'reverse'
	| 'filter'
	| 'intervalUp'
	| 'intervalDown'
	| 'pause'
	| 'bpfStats'
	| 'perCpu'
	| 'help'
	| 'quit';

export interface KeyBinding {
	readonly command: Command;
	/** As shown to people. */
	readonly keys: readonly string[];
	readonly description: string;
	/** Shown in the status line's hints when there is room. */
	readonly hint?: string;
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
	{command: 'up', keys: ['↑', 'k'], description: 'select the previous interface'},
	{command: 'down', keys: ['↓', 'j'], description: 'select the next interface'},
	{command: 'pageUp', keys: ['PgUp'], description: 'one page up'},
	{command: 'pageDown', keys: ['PgDn'], description: 'one page down'},
	{command: 'home', keys: ['g', 'Home'], description: 'first interface'},
	{command: 'end', keys: ['G', 'End'], description: 'last interface'},
	{command: 'toggle', keys: ['space'], description: "attach xdptop's program (in --mode), or detach it", hint: 'attach/detach'},
	{command: 'cycleMode', keys: ['m'], description: 'move it to the next mode: drv → skb → hw → off', hint: 'mode'},
	{command: 'detach', keys: ['d'], description: "detach xdptop's program from the interface"},
	{command: 'sort', keys: ['s'], description: 'sort by name, rx pps, rx bit/s, XDP first', hint: 'sort'},
	{command: 'reverse', keys: ['r'], description: 'reverse the sort'},
	{command: 'filter', keys: ['/'], description: 'filter by name or netns (Enter keeps it, Esc clears it)', hint: 'filter'},
	{command: 'intervalUp', keys: ['+'], description: 'longer interval'},
	{command: 'intervalDown', keys: ['-'], description: 'shorter interval'},
	{command: 'pause', keys: ['p'], description: 'pause / resume sampling', hint: 'pause'},
	{command: 'bpfStats', keys: ['S'], description: 'kernel BPF run-time stats on/off (costs ~20 ns per packet while on)', hint: 'bpf stats'},
	{command: 'perCpu', keys: ['c'], description: "rx per CPU of the selected interface, from xdptop's program (again: back)", hint: 'cpus'},
	{command: 'help', keys: ['?'], description: 'this help', hint: 'help'},
	{command: 'quit', keys: ['q', 'Ctrl-C'], description: 'quit: detach everything xdptop attached, in any netns', hint: 'quit'},
];

/** The keys Ink reports as flags rather than characters. */
export interface KeyFlags {
	readonly upArrow?: boolean;
	readonly downArrow?: boolean;
	readonly pageUp?: boolean;
	readonly pageDown?: boolean;
	readonly home?: boolean;
	readonly end?: boolean;
	readonly ctrl?: boolean;
	readonly meta?: boolean;
}

const CHARACTERS: Readonly<Record<string, Command>> = {
	k: 'up',
	j: 'down',
	g: 'home',
	G: 'end',
	' ': 'toggle',
	m: 'cycleMode',
	d: 'detach',
	s: 'sort',
	r: 'reverse',
	'/': 'filter',
	'+': 'intervalUp',
	'=': 'intervalUp',
	'-': 'intervalDown',
	p: 'pause',
	S: 'bpfStats',
	c: 'perCpu',
	'?': 'help',
	q: 'quit',
};

/** The command for a key press in the table, or undefined for a key that means nothing there. */
export function commandFor(input: string, key: KeyFlags): Command | undefined {
	if (key.ctrl && input === 'c') {
		return 'quit';
	}
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.pageUp) return 'pageUp';
	if (key.pageDown) return 'pageDown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.ctrl || key.meta) {
		return undefined;
	}
	return CHARACTERS[input];
}

/** "space attach/detach  m mode ..." for the status line, as much as fits. */
export function hintLine(width: number): string {
	let line = '';
	for (const binding of KEY_BINDINGS) {
		if (!binding.hint) {
			continue;
		}
		const part = `${binding.keys[0]} ${binding.hint}`;
		const next = line ? `${line}  ${part}` : part;
		if (next.length > width) {
			break;
		}
		line = next;
	}
	return line;
}

/** The README's key table, from the same bindings (test/readme.test.ts keeps the two equal). */
export function keyTableMarkdown(): string {
	const rows = KEY_BINDINGS.map(binding => `| ${binding.keys.map(key => `\`${key}\``).join(', ')} | ${binding.description} |`);
	return ['| key | what it does |', '| --- | --- |', ...rows].join('\n');
}
