/**
 * One kept NETLINK_ROUTE socket and its dumps: a request, then the kernel's messages until
 * NLMSG_DONE, each handed to the caller where it lies in the receive buffer. The socket answers for
 * the network namespace it was made in, for as long as it is open.
 */
import {checkLibc, lastErrno, libbpf} from './libbpf.js';

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2_000_000;
const NETLINK_ROUTE = 0;
const NLM_F_REQUEST = 1;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
export const NLMSG_HEADER = 16;
const EINTR = 4;
/** Room for what the kernel puts in one dump message batch (it fills up to ~32 KiB). */
const RECEIVE_BYTES = 64 * 1024;

export const align4 = (length: number) => (length + 3) & ~3;

/** A netlink attribute's type without the nested and byte-order flags. */
export const attributeType = (buffer: Buffer, at: number) => buffer.readUInt16LE(at + 2) & 0x3f_ff;

/**
 * Calls fn(type, start, length) for each attribute in [start, end): `start` is its payload. Stops at
 * a malformed one (a length under 4 or past the end), as the kernel never sends one.
 */
export function forEachAttribute(buffer: Buffer, start: number, end: number, fn: (type: number, at: number, length: number) => void): void {
	for (let attribute = start; attribute + 4 <= end; ) {
		const length = buffer.readUInt16LE(attribute);
		if (length < 4 || attribute + length > end) {
			return;
		}
		fn(attributeType(buffer, attribute), attribute + 4, length - 4);
		attribute += align4(length);
	}
}

/**
 * Where the first attribute of `type` in [start, end) with at least `minimum` payload bytes starts
 * its payload; -1 when none. Over a DataView: per tick, over every interface, Buffer's own readers
 * cost ten times as much.
 */
export function findAttribute(view: DataView, start: number, end: number, type: number, minimum: number): number {
	for (let attribute = start; attribute + 4 <= end; ) {
		const length = view.getUint16(attribute, true);
		if (length < 4 || attribute + length > end) {
			return -1;
		}
		if ((view.getUint16(attribute + 2, true) & 0x3f_ff) === type && length - 4 >= minimum) {
			return attribute + 4;
		}
		attribute += align4(length);
	}
	return -1;
}

export class RouteSocket {
	/** Opens the socket; throws where netlink cannot be had. */
	static open(): RouteSocket {
		return new RouteSocket(checkLibc('open a netlink socket', libbpf().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)));
	}

	#fd: number;
	#sequence = 0;
	readonly buffer = Buffer.alloc(RECEIVE_BYTES);
	/** The same bytes, for the readers that run per message. */
	readonly view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);

	private constructor(fd: number) {
		this.#fd = fd;
	}

	/**
	 * Sends a dump request of `type` with `body` (the message after the header), and hands each
	 * answer of `answerType` to onMessage(offset, length) in `buffer`. Throws (one line, saying
	 * `what`) when the kernel answers with an error.
	 */
	dump(type: number, body: Buffer, answerType: number, what: string, onMessage: (offset: number, length: number) => void): void {
		const api = libbpf();
		const sequence = ++this.#sequence;
		const request = Buffer.alloc(NLMSG_HEADER + body.length);
		request.writeUInt32LE(request.length, 0);
		request.writeUInt16LE(type, 4);
		request.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
		request.writeUInt32LE(sequence, 8);
		body.copy(request, NLMSG_HEADER);
		checkLibc(what, api.send(this.#fd, request, request.length, 0));
		const {buffer, view} = this;
		for (;;) {
			const received = api.recv(this.#fd, buffer, buffer.length, 0);
			if (received < 0) {
				if (lastErrno() === EINTR) {
					continue;
				}
				checkLibc(what, received);
			}
			for (let offset = 0; offset + NLMSG_HEADER <= received; ) {
				const length = view.getUint32(offset, true);
				const messageType = view.getUint16(offset + 4, true);
				if (length < NLMSG_HEADER || offset + length > received) {
					throw new Error(`${what}: a malformed netlink message`);
				}
				if (view.getUint32(offset + 8, true) === sequence) {
					if (messageType === NLMSG_DONE) {
						return;
					}
					if (messageType === NLMSG_ERROR) {
						checkLibc(what, -1, -buffer.readInt32LE(offset + NLMSG_HEADER));
					}
					if (messageType === answerType) {
						onMessage(offset, length);
					}
				}
				offset += align4(length);
			}
		}
	}

	close(): void {
		if (this.#fd >= 0) {
			libbpf().close(this.#fd);
			this.#fd = -1;
		}
	}
}
