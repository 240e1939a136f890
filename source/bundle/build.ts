/**
 * Bundles an entry point the way xdptop ships: one minified ESM file, production React, koffi
 * left outside (native binaries), and three stand-ins for Ink's dependencies (see this folder).
 * Usage: node --import tsx source/bundle/build.ts ENTRY OUTFILE
 */
import {build, type Plugin} from 'esbuild';
import {fileURLToPath} from 'node:url';

const [entry, outfile] = process.argv.slice(2);
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** Ink's use-input imports ../parse-keypress.js relatively; only a plugin can swap that one. */
const safeKeypress: Plugin = {
	name: 'xdptop-safe-keypress',
	setup(plugin) {
		plugin.onResolve({filter: /parse-keypress\.js$/}, args =>
			args.importer.includes('/ink/build/hooks/') ? {path: here('parse-keypress.ts')} : undefined,
		);
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
	external: ['koffi'],
	alias: {
		'react-devtools-core': here('devtools-stub.ts'),
		'string-width': here('string-width.ts'),
	},
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {js: "import {createRequire as __xdptopRequire} from 'node:module'; const require = __xdptopRequire(import.meta.url);"},
	plugins: [safeKeypress],
	logLevel: 'warning',
});
