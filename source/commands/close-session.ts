import {type XdpSession} from '../bpf/session.js';

/** Closes the session on exit; a --keep that could not keep (and so detached) makes the exit status 1. */
export function closeSession(session: XdpSession, keep: boolean): string {
	const line = session.close({keep});
	if (session.keepFailed) {
		process.exitCode = 1;
	}
	return line;
}
