/** What the screen says while samples are late, and when the monitor restarted ip (fake port). */
import assert from 'node:assert/strict';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterEach, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {markStale} from '../../source/model/monitor.js';
import {App} from '../../source/ui/App.js';
import {noColorTheme} from '../../source/ui/theme.js';
import {FakePort, makeRow, oursAttachment} from '../helpers/fake-port.js';
import {withoutStyles} from '../helpers/styles.js';

afterEach(() => cleanup());

function mount() {
	const port = new FakePort([
		makeRow('eth0', 2, {source: 'xdp', xdp: {attachMode: 'drv', attachments: [oursAttachment('drv')]}, actions: [{label: 'PASS', pps: 2000}], protos: [{label: 'IPv4 UDP', pps: 2000}]}),
		makeRow('lo', 1, {driver: 'loopback', state: 'unknown'}),
	]);
	const app = render(<App port={port} initial={port.snapshot} defaultMode="drv" ascii={false} theme={noColorTheme} />);
	Object.defineProperty(app.stdout, 'columns', {value: 120, configurable: true});
	Object.defineProperty(app.stdout, 'rows', {value: 30, configurable: true});
	app.stdout.emit('resize');
	const frame = () => withoutStyles(app.lastFrame());
	/** Until the frame matches, 2 s at most; then the frame, for the message. */
	const waitFor = async (pattern: RegExp) => {
		const deadline = Date.now() + 2000;
		while (!pattern.test(frame()) && Date.now() < deadline) {
			await sleep(20);
		}
		assert.match(frame(), pattern);
		return frame();
	};
	const line = (name: string) => frame().split('\n').find(text => text.slice(2).startsWith(`${name} `)) ?? '';
	return {port, app, frame, waitFor, line};
}

test('a late sample: the header says how old the numbers are, rates show …, the breakdown goes; the next sample brings all back', async () => {
	const {port, frame, waitFor, line} = mount();
	await waitFor(/PASS +2\.00k/);
	assert.match(line('eth0'), /2\.00k +16\.0M +0 /);
	const fresh = port.snapshot;

	port.emit(markStale(fresh, 4));
	const header = (await waitFor(/stale 4 s/)).split('\n')[0]!;
	assert.match(header, /14:02:31  stale 4 s  XDP: 1 ours/, 'beside the time of the last sample');
	assert.match(line('eth0'), /xdptop_stats ● +… +… +… /);
	assert.match(line('lo'), / +… +… +… /);
	assert.doesNotMatch(frame(), /PASS +2\.00k/, 'no old breakdown shown as live');

	port.emit(markStale(port.snapshot, 5));
	await waitFor(/stale 5 s/);

	port.emit({...fresh, time: new Date(2026, 10, 25, 14, 2, 37)});
	await waitFor(/14:02:37/);
	assert.doesNotMatch(frame(), /stale/);
	assert.match(line('eth0'), /2\.00k +16\.0M +0 /);
});

test('stale survives a narrow terminal: it is the last part of the header to go', async () => {
	const {port, frame, waitFor} = mount();
	await waitFor(/eth0/);
	port.emit(markStale(port.snapshot, 12));
	await waitFor(/stale 12 s/);
	const full = frame().split('\n')[0]!;
	assert.match(full, /host testhost/);
	// The header drops parts by priority when narrow; stale is kept like the name.
	const {Header} = await import('../../source/ui/components/Header.js');
	const narrow = render(<Header snapshot={markStale(port.snapshot, 12)} width={40} theme={noColorTheme} />);
	assert.match(withoutStyles(narrow.lastFrame()), /^xdptop +.*stale 12 s/);
});

test('the monitor\'s own news (ip restarted) shows in the status line, once per event', async () => {
	const {port, app, frame, waitFor} = mount();
	await waitFor(/eth0/);
	port.emit({...port.snapshot, notice: {text: 'ip gave no answer in 3.0 s; started a new one'}});
	await waitFor(/error: ip gave no answer in 3\.0 s; started a new one/);
	// A key's own message replaces it, and later snapshots that carry the same notice do not bring it back.
	app.stdin.write('s');
	await waitFor(/sorted by pps/);
	port.emit({...port.snapshot, rows: [...port.snapshot.rows]});
	await sleep(100);
	assert.doesNotMatch(frame(), /ip gave no answer/);
	port.emit({...port.snapshot, notice: {text: 'ip ended (SIGKILL); started a new one'}});
	await waitFor(/error: ip ended \(SIGKILL\); started a new one/);
});
