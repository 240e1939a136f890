/**
 * Bundles an entry point the way xdptop ships: one minified ESM file, production React, koffi
 * left outside (native binaries), and stand-ins for parts of Ink and its dependencies (see this folder).
 * With `single`, the bundle for the single executable: koffi and the BPF object come from its
 * assets (source/single/), and it runs from a data: URL, so it needs no file beside it.
 * Usage: node --import tsx source/bundle/build.ts ENTRY OUTFILE [single]
 */
import {build, type Plugin} from 'esbuild';
import {readFile} from 'node:fs/promises';
import {sep} from 'node:path';
import {fileURLToPath} from 'node:url';

const [entry, outfile, variant] = process.argv.slice(2);
const single = variant === 'single';
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/**
 * Yoga's wasm loader (emscripten) fetches its own data: URL wherever fetch exists. In Node that
 * first loads undici (profiled: ~90 ms of the start, and its modules stay in memory) to decode
 * base64 the loader decodes itself where there is no fetch: that branch is taken instead.
 */
const yogaWithoutFetch: Plugin = {
	name: 'xdptop-yoga-without-fetch',
	setup(plugin) {
		plugin.onLoad({filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, async args => {
			const source = await readFile(args.path, 'utf8');
			const patched = source.replaceAll('"function"!=typeof fetch', 'true');
			if (patched === source) {
				throw new Error(`${args.path}: yoga's loader no longer tests for fetch as build.ts expects`);
			}
			return {contents: patched, loader: 'js'};
		});
	},
};

/**
 * Libraries' own text, changed where it is loaded. A library whose text no longer matches fails
 * the build, rather than silently losing the change. Work they do when loaded, which the start of
 * every xdptop paid for and which most runs never need (each measured with a CPU profile of the start):
 * - an `Intl.Segmenter` made at load (ICU's break rules, ~20 ms for the first one of a
 *   process): made on first use instead (lazy-segmenter.ts);
 * - meow's normalize-package-data and its SPDX tables (~25 ms), loaded for `cli.pkg`, which
 *   xdptop never reads: loaded on first call instead.
 * And Ink's incremental renderer, which rewrites every line that changed whole: it writes only
 * the cells that changed (line-update.ts).
 */
interface SourcePatch {
	/** The package the file is in: a bundle that has any of its files must have this one patched. */
	readonly package: string;
	readonly file: RegExp;
	/** Each `from` must be in the file: all of it is replaced by `to`. */
	readonly changes: ReadonlyArray<{readonly from: string; readonly to: string}>;
	readonly prefix?: string;
}
const SOURCE_PATCHES: readonly SourcePatch[] = [
	...(
		[
			['string-width', /string-width[\\/]index\.js$/],
			['slice-ansi', /slice-ansi[\\/]tokenize-ansi\.js$/],
			['@alcalzone/ansi-tokenize', /@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/],
		] as const
	).map(([name, file]) => ({
		package: name,
		file,
		changes: [{from: 'new Intl.Segmenter(', to: '__xdptopLazySegmenter('}],
		prefix: `import {lazySegmenter as __xdptopLazySegmenter} from ${JSON.stringify(here('lazy-segmenter.ts'))};\n`,
	})),
	{
		package: 'meow',
		file: /meow[\\/]build[\\/]dependencies\.js$/,
		changes: [
			{
				from: 'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
				to: 'const normalizePackageData = (...parameters) => getDefaultExportFromCjs(requireNormalize())(...parameters);',
			},
		],
	},
	{
		package: 'ink',
		file: /ink[\\/]build[\\/]log-update\.js$/,
		changes: [
			{
				from: 'buffer.push(ansiEscapes.cursorTo(0) +\n                nextLines[i] +\n                ansiEscapes.eraseEndLine +',
				to: 'buffer.push(__xdptopChangedLine(previousLines[i], nextLines[i], stream.columns) +',
			},
			{
				// As a frame starts: where the screen is not what Ink thinks, it is cleared and every line written.
				from: "        const nextLines = str.split('\\n');\n",
				to: "        const nextLines = str.split('\\n');\n        if (__xdptopMustRedraw(nextLines, stream)) {\n            stream.write('\\u001B[H\\u001B[2J');\n            previousLines = previousLines.map(() => undefined);\n        }\n",
			},
		],
		prefix: `import {changedLine as __xdptopChangedLine, mustRedraw as __xdptopMustRedraw} from ${JSON.stringify(here('line-update.ts'))};\n`,
	},
];
/** A patch whose package is in the bundle but whose file never loaded (renamed, moved) fails the build too. */
const sourcePatches: Plugin = {
	name: 'xdptop-source-patches',
	setup(plugin) {
		const loaded: string[] = [];
		const applied = new Set<SourcePatch>();
		plugin.onLoad({filter: /.*/}, args => {
			loaded.push(args.path);
			return undefined; // Loaded by whatever comes next.
		});
		for (const patch of SOURCE_PATCHES) {
			plugin.onLoad({filter: patch.file}, async args => {
				let source = await readFile(args.path, 'utf8');
				for (const {from, to} of patch.changes) {
					if (!source.includes(from)) {
						throw new Error(`${args.path}: no longer has ${JSON.stringify(from)}, which build.ts changes`);
					}
					source = source.replaceAll(from, to);
				}
				applied.add(patch);
				return {contents: (patch.prefix ?? '') + source, loader: 'js'};
			});
		}
		// Errors returned, not pushed into the result: those would not fail the build.
		plugin.onEnd(result => ({
			errors: SOURCE_PATCHES.filter(patch => {
				const inPackage = `${sep}node_modules${sep}${patch.package.split('/').join(sep)}${sep}`;
				return result.errors.length === 0 && !applied.has(patch) && loaded.some(path => path.includes(inPackage));
			}).map(patch => ({text: `${patch.package} is bundled without a file matching ${patch.file}, which build.ts changes`})),
		}));
	},
};

/** Ink's use-input imports ../parse-keypress.js relatively; only a plugin can swap that one. */
const safeKeypress: Plugin = {
	name: 'xdptop-safe-keypress',
	setup(plugin) {
		plugin.onResolve({filter: /parse-keypress\.js$/}, args =>
			args.importer.includes('/ink/build/hooks/') ? {path: here('parse-keypress.ts')} : undefined,
		);
	},
};

/** Ink's output.js imports the tokenizer by package name; only its import is swapped (ours imports the original). */
const fastTokenize: Plugin = {
	name: 'xdptop-fast-tokenize',
	setup(plugin) {
		plugin.onResolve({filter: /^@alcalzone\/ansi-tokenize$/}, args =>
			args.importer.includes('/ink/build/') ? {path: here('ansi-tokenize.ts')} : undefined,
		);
	},
};

/** Ink's squash-text-nodes imports ./sanitize-ansi.js relatively; ours wraps the original (imported by path). */
const fastSanitize: Plugin = {
	name: 'xdptop-fast-sanitize',
	setup(plugin) {
		plugin.onResolve({filter: /^\.\/sanitize-ansi\.js$/}, args =>
			args.importer.endsWith('/ink/build/squash-text-nodes.js') ? {path: here('sanitize-ansi.ts')} : undefined,
		);
	},
};

/** Ink's renderer imports ./output.js relatively; ours wraps the original (imported by path). */
const fastOutput: Plugin = {
	name: 'xdptop-fast-output',
	setup(plugin) {
		plugin.onResolve({filter: /^\.\/output\.js$/}, args => (args.importer.endsWith('/ink/build/renderer.js') ? {path: here('output.ts')} : undefined));
	},
};

/**
 * Ink's text caches, which keep every text for the life of the process, swapped for ones that
 * forget (measure-text.ts, wrap-text.ts). Both are imported relatively by Ink's own modules; a
 * build of Ink's renderer in which either swap did not happen fails, rather than ship the growing
 * caches again.
 */
const INK_TEXT_CACHES = ['measure-text', 'wrap-text'];
const forgetfulTextCaches: Plugin = {
	name: 'xdptop-forgetful-text-caches',
	setup(plugin) {
		const swapped = new Set<string>();
		let renderer = false;
		plugin.onLoad({filter: /ink[\\/]build[\\/]renderer\.js$/}, () => {
			renderer = true;
			return undefined; // Loaded by whatever comes next.
		});
		plugin.onResolve({filter: /^\.\/(measure|wrap)-text\.js$/}, args => {
			if (!args.importer.includes('/ink/build/')) {
				return undefined;
			}
			const name = args.path.slice(2, -3);
			swapped.add(name);
			return {path: here(`${name}.ts`)};
		});
		plugin.onEnd(result => {
			const missed = INK_TEXT_CACHES.filter(name => !swapped.has(name));
			return {errors: result.errors.length === 0 && renderer && missed.length > 0 ? [{text: `Ink no longer imports ${missed.join(', ')} as build.ts expects`}] : []};
		});
	},
};

/**
 * The single executable's stand-ins, module by module: its BPF object is an asset, not a file
 * beside the bundle, and it restarts itself without a script argument.
 */
const SINGLE_SWAPS: ReadonlyArray<{readonly module: RegExp; readonly importer: string; readonly swap: string}> = [
	{module: /\/object-source\.js$/, importer: '/source/bpf/object.ts', swap: '../single/object-source.ts'},
	{module: /\/self-command\.js$/, importer: '/source/commands/demo.ts', swap: '../single/self-command.ts'},
];
const singleSwaps: Plugin = {
	name: 'xdptop-single-swaps',
	setup(plugin) {
		for (const {module, importer, swap} of SINGLE_SWAPS) {
			plugin.onResolve({filter: module}, args => (args.importer.endsWith(importer) ? {path: here(swap)} : undefined));
		}
	},
};

await build({
	entryPoints: [entry!],
	outfile: outfile!,
	bundle: true,
	minify: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	// Node 20 has the `v` flag; lowered, string-width's Unicode-set patterns are compiled at load (~25 ms).
	supported: {'regexp-set-notation': true},
	external: single ? [] : ['koffi'],
	alias: {
		'react-devtools-core': here('devtools-stub.ts'),
		ws: here('devtools-stub.ts'),
		'string-width': here('string-width.ts'),
		...(single ? {koffi: here('../single/koffi.ts')} : {}),
	},
	// A data: URL (the single executable's bundle) is no base for createRequire, which bundled
	// libraries call at load time: there import.meta.url names the executable itself.
	define: {'process.env.NODE_ENV': '"production"', ...(single ? {'import.meta.url': '__xdptopUrl'} : {})},
	banner: {
		js: single
			? "import {createRequire as __xdptopRequire} from 'node:module'; import {pathToFileURL as __xdptopFileUrl} from 'node:url'; const __xdptopUrl = __xdptopFileUrl(process.execPath).href; const require = __xdptopRequire(__xdptopUrl);"
			: "import {createRequire as __xdptopRequire} from 'node:module'; const require = __xdptopRequire(import.meta.url);",
	},
	plugins: single
		? [safeKeypress, fastTokenize, fastOutput, fastSanitize, forgetfulTextCaches, yogaWithoutFetch, sourcePatches, singleSwaps]
		: [safeKeypress, fastTokenize, fastOutput, fastSanitize, forgetfulTextCaches, yogaWithoutFetch, sourcePatches],
	logLevel: 'warning',
});
