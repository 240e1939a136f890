/**
 * A stand-in the bundle puts where a library makes an `Intl.Segmenter` when it is loaded: the
 * first segmenter of a process loads ICU's break rules (~20 ms here), and the monitor's lines
 * never need one (see string-width.ts), so it is made on the first `segment` call instead.
 */
type SegmenterArguments = ConstructorParameters<typeof Intl.Segmenter>;

export function lazySegmenter(...parameters: SegmenterArguments): Pick<Intl.Segmenter, 'segment'> {
	let segmenter: Intl.Segmenter | undefined;
	return {
		segment(input: string) {
			segmenter ??= new Intl.Segmenter(...parameters);
			return segmenter.segment(input);
		},
	};
}
