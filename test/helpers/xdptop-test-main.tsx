/**
 * xdptop with test-only hooks, bundled like the shipped one (make build: build/xdptop-test.mjs,
 * never dist/). The shipped entry, source/cli.tsx, has no such hooks and reads none of these
 * variables.
 *
 * XDPTOP_FAULT_RENDER_AFTER_MS: the UI throws while rendering, that many ms after it first
 * renders, to prove that a crash in the render path still detaches and restores the terminal.
 */
import {monitorTestHooks} from '../../source/commands/monitor.js';

function InjectedFault(): never {
	throw new Error('injected render fault');
}

const faultAfterMs = Number(process.env['XDPTOP_FAULT_RENDER_AFTER_MS']);
if (faultAfterMs > 0) {
	monitorTestHooks.rendered = app => {
		setTimeout(() => app.rerender(<InjectedFault />), faultAfterMs).unref();
	};
}

await import('../../source/cli.js');
