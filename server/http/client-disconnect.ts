// A request whose client went away (closed the tab, lost the network, gave up on an upload)
// fails its body reads with these. Nothing is wrong on our side and nobody is left to read an
// answer, so they are logged at info, never as errors, and never taken for an outage: the
// outage check (server/infra/infra-errors.ts) sees ECONNRESET and would blame a dependency.
// A bare ECONNRESET or EPIPE is not enough to tell: a database socket fails with those too.

/** True when the error (or one of its causes) says the client hung up mid-request. */
export function isClientDisconnect(thrown: unknown): boolean {
  let node: unknown = thrown;
  for (let depth = 0; depth < 5 && typeof node === 'object' && node !== null; depth += 1) {
    const error = node as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown };
    // Node's IncomingMessage fails a body cut short with `Error: aborted` (code ECONNRESET).
    if (error.message === 'aborted') return true;
    // Next's, when the client closes the response it was writing.
    if (error.name === 'ResponseAborted') return true;
    node = error.cause;
  }
  return false;
}

/**
 * Next reports some disconnects itself, with console.error: a server action whose body the
 * client cut short prints "⨯ Error: aborted" to stderr, outside our logger. Those become an info
 * line (with the request's id, as console.error runs in its context); everything else Next
 * prints goes on as before.
 */
export function logNextDisconnectsAsInfo(log: (reason: string) => void): void {
  const printError = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    const disconnect = args.find(isClientDisconnect);
    if (disconnect === undefined) return printError(...args);
    log(disconnect instanceof Error ? disconnect.message : String(disconnect));
  };
}
