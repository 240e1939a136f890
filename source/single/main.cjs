// The single executable's entry. Node 20 runs only a CommonJS main there; the bundle is ESM, so it
// is imported from memory (a data: URL: nothing written to disk). The V8 flags of the npm entry's
// shebang do not apply here: a single executable ignores execArgv, and set at run time
// (v8.setFlagsFromString) they change nothing measurable or, --single-threaded-gc, crash. The
// interrupt budget is the exception: it is read whenever a function's budget is reset, so set here
// it spares most of the compiling the launcher's does (monitor, 20 interfaces, 3-33 s: 1.22 % -> 0.97 %).
'use strict';
const {getAsset} = require('node:sea');

require('node:v8').setFlagsFromString('--interrupt-budget=1081344');
// Read when a WebAssembly module is compiled, so it applies to Yoga's, which the bundle compiles
// when it is imported (monitor, 20 interfaces, after 25 s: 77.3 MB against 80.1 MB without).
require('node:v8').setFlagsFromString('--liftoff-only');
// Read whenever a function would tier up to baseline code, so set here it applies to what runs
// later (monitor, 20 interfaces, after 40 s, side by side: 70.1 MB against 70.5 MB without).
require('node:v8').setFlagsFromString('--no-sparkplug');

const bundle = `data:text/javascript;base64,${Buffer.from(getAsset('xdptop.mjs')).toString('base64')}`;
import(bundle).catch(error => {
	process.stderr.write(`xdptop: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
});
