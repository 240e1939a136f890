import assert from 'node:assert/strict';
import {test} from 'node:test';
import {escapeControl} from '../../source/model/escape.js';
import {
	decodeIfname,
	ifnameBytes,
	ifnameFromLatin1,
	ifnameHex,
	ifnameText,
	NameSyntaxError,
	parseEscapedName,
	parseInterfaceSelector,
	selectsInterface,
} from '../../source/model/ifname.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const W = 0x77;

test('names that differ in bytes that are not UTF-8 stay different (they used to merge as w\\uFFFD)', () => {
	const ff = decodeIfname(bytes(W, 0xff));
	const fe = decodeIfname(bytes(W, 0xfe));
	assert.notEqual(ff, fe);
	assert.equal(escapeControl(ff), 'w\\xff');
	assert.equal(escapeControl(fe), 'w\\xfe');
	assert.equal(ifnameHex(ff), '77ff');
	assert.equal(ifnameText(ff), 'w\uFFFD', 'as text, the way any UTF-8 decoder reads it');
});

test('valid UTF-8 is text; everything else is one escaped byte each', () => {
	assert.equal(decodeIfname(Buffer.from('veth-ünï')), 'veth-ünï');
	assert.equal(decodeIfname(Buffer.from('😀x')), '😀x');
	assert.equal(decodeIfname(bytes(0xc2, 0x85)), '\u0085', 'a C1 control is a character');
	const cases: Array<[string, number[]]> = [
		['overlong /', [0xc0, 0xaf]],
		['overlong 3-byte', [0xe0, 0x80, 0xaf]],
		['surrogate U+DC80 in CESU form', [0xed, 0xb2, 0x80]],
		['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
		['truncated', [0xe2, 0x82]],
		['lone continuation', [0x80]],
		['F5', [0xf5, 0x80, 0x80, 0x80]],
	];
	for (const [label, input] of cases) {
		const name = decodeIfname(bytes(...input));
		assert.equal([...name].length, input.length, label);
		assert.deepEqual([...ifnameBytes(name)], input, label);
		assert.equal(escapeControl(name), input.map(byte => `\\x${byte.toString(16)}`).join(''), label);
	}
	assert.equal(decodeIfname(bytes(0xe2, 0x82, 0x41)), '\udce2\udc82A', 'resynchronises after a bad sequence');
});

test('bytes -> name -> bytes, and name -> escaped -> name, for every 1- and 2-byte name', () => {
	const seen = new Set<string>();
	for (let first = 1; first < 256; first++) {
		for (let second = 0; second < 256; second++) {
			const input = second === 0 ? bytes(first) : bytes(first, second);
			const name = decodeIfname(input);
			assert.ok(!seen.has(name), `two byte strings share ${JSON.stringify(name)}`);
			seen.add(name);
			assert.deepEqual(ifnameBytes(name), Buffer.from(input));
			const shown = escapeControl(name);
			assert.equal(parseEscapedName(shown), name, shown);
			assert.equal(ifnameFromLatin1(Buffer.from(input).toString('latin1')), name);
		}
	}
	const shownSet = new Set([...seen].map(escapeControl));
	assert.equal(shownSet.size, seen.size, 'the escaped form is unique too');
});

test('a real backslash and a byte escape differ: w\\\\xff is four characters, w\\xff two bytes', () => {
	const literal = 'w\\xff';
	assert.equal(escapeControl(literal), 'w\\\\xff');
	assert.equal(parseEscapedName('w\\\\xff'), literal);
	assert.equal(parseEscapedName('w\\xff'), decodeIfname(bytes(W, 0xff)));
	assert.notEqual(parseEscapedName('w\\xff'), literal);
});

test('the escaped form: \\xNN bytes join into UTF-8, \\u{N} is a character, plain text is itself', () => {
	assert.equal(parseEscapedName('eth0'), 'eth0');
	assert.equal(parseEscapedName('veth-ünï'), 'veth-ünï');
	assert.equal(parseEscapedName('\\xc3\\xbc'), 'ü');
	assert.equal(parseEscapedName('x\\x1b[31m'), 'x\u001b[31m');
	assert.equal(parseEscapedName('csi\\u{9b}2J'), 'csi\u009b2J');
	assert.equal(parseEscapedName('eth\\u{202e}0'), 'eth\u202e0');
	assert.equal(parseEscapedName('\\XFF'.toLowerCase()), decodeIfname(bytes(0xff)));
	for (const bad of ['a\\q', 'a\\', '\\x4', '\\u{110000}', '\\u{d800}', '\\u{}', '\\u41']) {
		assert.throws(() => parseEscapedName(bad), NameSyntaxError, bad);
	}
	assert.throws(() => parseEscapedName('a\\\u001b'), /'\\\\x1b' is not an escape/, 'the error shows no raw control byte');
});

test('-i: ifindex:N (a name cannot hold ":"), else an escaped name', () => {
	assert.deepEqual(parseInterfaceSelector('ifindex:7'), {ifindex: 7});
	assert.deepEqual(parseInterfaceSelector('#7'), {name: '#7'}, '"#" is legal in a name');
	assert.deepEqual(parseInterfaceSelector('7'), {name: '7'});
	for (const bad of ['ifindex:', 'ifindex:0', 'ifindex:07', 'ifindex:x', 'ifindex:99999999999', 'ifindex:-1']) {
		assert.throws(() => parseInterfaceSelector(bad), NameSyntaxError, bad);
	}
	const ff = {name: decodeIfname(bytes(W, 0xff)), ifindex: 5};
	const fe = {name: decodeIfname(bytes(W, 0xfe)), ifindex: 6};
	const literal = {name: 'w\\xff', ifindex: 7};
	const all = [ff, fe, literal];
	assert.deepEqual(all.filter(entry => selectsInterface(['w\\xff'], entry)), [ff]);
	assert.deepEqual(all.filter(entry => selectsInterface(['w\\\\xff'], entry)), [literal]);
	assert.deepEqual(all.filter(entry => selectsInterface(['ifindex:6'], entry)), [fe]);
	assert.deepEqual(all.filter(entry => selectsInterface(['w\uFFFD'], entry)), [], 'what argv makes of the raw bytes names neither');
	assert.deepEqual(all.filter(entry => selectsInterface([], entry)), all);
});
