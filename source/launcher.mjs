#!/usr/bin/env -S node --max-semi-space-size=2 --single-threaded-gc --v8-pool-size=0 --no-memory-reducer --interrupt-budget=1081344 --liftoff-only --no-sparkplug
// xdptop's entry: checks the Node version before the bundle is parsed, since on an older Node the
// bundled libraries fail with pages of minified source. Written for any Node, so no newer syntax.
// The flags above keep the monitor small: a 2 MB young generation, and no helper threads for GC
// or compiling (measured with `make bench`: 85 MB and 1.5 % CPU, against 120 MB and 1.35 %).
// A 16 times larger interrupt budget lets only code that runs a lot reach the optimizing compiler:
// at one frame a second, optimizing functions that run once a frame was a third of the monitor's
// CPU in its first minute (perf), 1.12-1.13 % against 0.86-0.88 % from 3 s to 33 s.
// Yoga's layout is WebAssembly: V8 compiles it first with its baseline compiler (Liftoff), then
// its hot functions again with the optimizing one, which took an 8 MB malloc arena for good;
// with Liftoff only the monitor is 7.5 MB smaller (71.4 -> 63.9 MB), its CPU and frames the same.
// No baseline compiler (Sparkplug) either: what is warm but not hot stays in the interpreter, and
// what is hot still goes to the optimizing compiler. Its code and the compiler's own pages were
// 1.6 MB of the monitor (code space 0.95 -> 0.24 MB); make bench, three pairs side by side:
// 60.1-61.2 -> 58.5-59.4 MB, CPU 0.67-0.77 -> 0.70-0.83 %, the tick at 1,024 1.00 -> 0.97 ms.
var major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
	process.stderr.write('xdptop needs Node.js 20 or newer; this is ' + process.versions.node + '\n');
	process.exit(1);
}
import('./xdptop-main.mjs');
