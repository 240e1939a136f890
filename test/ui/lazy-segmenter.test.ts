import assert from 'node:assert/strict';
import {test} from 'node:test';
import {lazySegmenter} from '../../source/bundle/lazy-segmenter.js';

test('makes no Intl.Segmenter until the first segment call, then segments as one would', () => {
	const RealSegmenter = Intl.Segmenter;
	let made = 0;
	class CountingSegmenter extends RealSegmenter {
		constructor(...parameters: ConstructorParameters<typeof Intl.Segmenter>) {
			super(...parameters);
			made++;
		}
	}
	Object.assign(Intl, {Segmenter: CountingSegmenter});
	try {
		const segmenter = lazySegmenter(undefined, {granularity: 'grapheme'});
		assert.equal(made, 0);
		const text = 'e\u0301👩‍💻日a';
		const segments = [...segmenter.segment(text)].map(({segment}) => segment);
		assert.deepEqual(segments, [...new RealSegmenter(undefined, {granularity: 'grapheme'}).segment(text)].map(({segment}) => segment));
		assert.deepEqual(segments, ['e\u0301', '👩‍💻', '日', 'a']);
		[...segmenter.segment('again')];
		assert.equal(made, 1, 'one segmenter, made once');
	} finally {
		Object.assign(Intl, {Segmenter: RealSegmenter});
	}
});
