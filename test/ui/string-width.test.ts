import assert from 'node:assert/strict';
import {test} from 'node:test';
import original from '../../node_modules/string-width/index.js';
import stringWidth from '../../source/bundle/string-width.js';

test('agrees with string-width on the lines the monitor draws, and on anything else', () => {
	const samples = [
		'',
		'plain ascii',
		'\u001B[1m\u001B[36mxdptop\u001B[39m\u001B[22m  host vm',
		'────────────────────',
		'▁▂▃▄▅▆▇█ 2.34k ┤╭─╮ ╰╯ ● ○ … — · → ×',
		'\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007',
		'veth-ünï é',
		'日本語 wide',
		'emoji 🚀 and 👩‍💻',
		'combining e\u0301',
		'tab\there',
		'\u001B[2J\u001B[H',
	];
	for (const sample of samples) {
		assert.equal(stringWidth(sample), original(sample), JSON.stringify(sample));
	}
	assert.equal(stringWidth('\u001B[31mx', {countAnsiEscapeCodes: true}), original('\u001B[31mx', {countAnsiEscapeCodes: true}));
});
