/** tracefs as the kernel describes its XDP events: the recorded format files, and this kernel's. */
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {EXCEPTION_PROGRAMS} from '../../source/bpf/abi.js';
import {layoutMismatch} from '../../source/bpf/exceptions.js';
import {parseFormat, parseFormats, xdpTracepoints} from '../../source/bpf/tracefs.js';

// Recorded on Linux 6.18 (cat of both format files, as the child prints them).
const RECORDED = readFileSync(new URL('../fixtures/xdp-tracepoint-formats.txt', import.meta.url), 'utf8');

test('both events, their ids and the fields xdptop reads, from the recorded files', () => {
	const formats = parseFormats(RECORDED);
	assert.deepEqual(formats.map(format => [format.name, format.id]), [['xdp_exception', 584], ['xdp_redirect_err', 581]]);
	const [exception, redirect] = formats;
	assert.deepEqual(exception!.fields.get('prog_id'), {offset: 8, size: 4});
	assert.deepEqual(exception!.fields.get('act'), {offset: 12, size: 4});
	assert.deepEqual(exception!.fields.get('ifindex'), {offset: 16, size: 4});
	assert.deepEqual(redirect!.fields.get('map_index'), {offset: 32, size: 4});
	assert.equal(layoutMismatch(exception!), undefined);
	assert.equal(layoutMismatch(redirect!), undefined);
});

test('a record laid out otherwise is refused, with the field that moved', () => {
	const moved = parseFormat(RECORDED.split(/^(?=name:)/m)[0]!.replace('field:u32 act;\toffset:12;', 'field:u32 act;\toffset:20;'));
	assert.match(layoutMismatch(moved!) ?? '', /^this kernel's xdp:xdp_exception record has act at offset 20, not where xdptop reads it$/);
	const missing = parseFormat(RECORDED.split(/^(?=name:)/m)[0]!.replace(/\tfield:int ifindex;[^\n]*\n/, ''));
	assert.match(layoutMismatch(missing!) ?? '', /has ifindex nowhere/);
	assert.equal(parseFormat('not a format file'), undefined);
});

test('this kernel: both events found (tracefs mounted or not), laid out as xdptop reads them', async () => {
	const formats = await xdpTracepoints(Object.keys(EXCEPTION_PROGRAMS));
	assert.deepEqual([...formats.keys()].sort(), ['xdp_exception', 'xdp_redirect_err']);
	for (const format of formats.values()) {
		assert.ok(format.id > 0);
		assert.equal(layoutMismatch(format), undefined);
	}
	await assert.rejects(xdpTracepoints(['xdp_no_such_event']), /^Error: this kernel has no xdp:xdp_no_such_event tracepoint$/);
});
