// A request whose client went away (closed the tab, lost the network, gave up on an upload)
// fails its body reads and writes with these. Nothing is wrong on our side, and nobody is left
// to read an answer, so they are logged at info, never as errors.

const DISCONNECT_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

/** True when the error (or one of its causes) says the client hung up mid-request. */
export function isClientDisconnect(thrown: unknown): boolean {
  let node: unknown = thrown;
  for (let depth = 0; depth < 5 && typeof node === 'object' && node !== null; depth += 1) {
    const error = node as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown };
    if (typeof error.code === 'string' && DISCONNECT_CODES.has(error.code)) return true;
    // Node's IncomingMessage fails a body cut short with `Error: aborted`; web streams over it
    // with a ResponseAborted / AbortError (Next's, when the client closes the response).
    if (error.message === 'aborted' || error.name === 'ResponseAborted') return true;
    node = error.cause;
  }
  return false;
}
