/** The header counts XDP in the other network namespaces, so that "0" is never said of a host that has some. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {Header} from '../../source/ui/components/Header.js';
import {type Snapshot} from '../../source/model/monitor.js';
import {noColorTheme} from '../../source/ui/theme.js';

const snapshot: Snapshot = {host: 'h', kernel: '6.18', cpus: 2, intervalSeconds: 1, time: new Date(0), paused: false, bpfStats: false, rows: [], demo: false};

test('the header adds the attachments of other namespaces, and only when there are some', () => {
	const line = (value: Snapshot, width = 100) => render(<Header snapshot={value} width={width} theme={noColorTheme} />).lastFrame() ?? '';
	assert.match(line({...snapshot, elsewhere: {attachments: 3, namespaces: 2}}), /XDP: 0 ours, 0 foreign \(\+3 in 2 other netns\) +\? help  q quit$/);
	// On 80 columns it stays, and other parts go first.
	assert.match(line({...snapshot, elsewhere: {attachments: 3, namespaces: 2}}, 80), /XDP: 0 ours, 0 foreign \(\+3 in 2 other netns\) +\? help  q quit$/);
	assert.match(line({...snapshot, elsewhere: {attachments: 0, namespaces: 0}}), /XDP: 0 ours, 0 foreign +\?/);
	assert.match(line(snapshot), /XDP: 0 ours, 0 foreign +\?/);
});
