import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger } from '@/lib/logger';

/**
 * One debug line per request when it ends (LOG_LEVEL=debug): method, path (never the query,
 * which may hold a token), status and time. A client that hung up before the answer was sent is
 * said so at info, not as an error: the answer had nobody to go to.
 */
export function logAnswer(req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  // 'close' is emitted from the socket's context; bound, the line keeps this request's id.
  const onClose = AsyncResource.bind(() => {
    const fields = {
      method: req.method,
      path: (req.url ?? '/').split('?', 1)[0],
      // Unset until the answer's head is written (a client gone before it got one).
      status: res.headersSent ? res.statusCode : null,
      ms: Math.round(performance.now() - started),
    };
    if (res.writableFinished) getLogger().debug(fields, 'request answered');
    else getLogger().info(fields, 'the client went away before the answer was complete');
  });
  res.once('close', onClose);
}
