import { createServer } from 'node:http';
import next from 'next';
import { getEnv } from '@/lib/env';
import { chooseRequestId, runWithLogContext } from '@/lib/log-context';
import { getLogger } from '@/lib/logger';
import { CLIENT_IP_HEADER } from '@/server/auth/principal';
import { startAlertLoop } from '@/server/alerts/alert-loop';
import { startDurabilityLoops } from '@/server/durability/durability-loop';
import { logNextDisconnectsAsInfo } from '@/server/http/client-disconnect';
import { serveDirectEndpoint } from '@/server/http/direct-endpoints';
import { logAnswer } from '@/server/http/request-log';
import { answerClientError, guardRequest, prepareForNext } from '@/server/http/edge-guard';
import { serveServerEndpoint } from '@/server/http/server-endpoints';
import { closeClients } from '@/server/infra/clients';
import { observeHttpRequest, watchOpenSockets } from '@/server/metrics/process-metrics';
import { applyGlobalConcurrencyAtStart } from '@/server/queues/global-concurrency';
import { attachSocketServer } from '@/server/realtime/socket-server';
import { startScheduleSync } from '@/server/schedules/schedule-sync';
import { refuseForeignPageWrite } from '@/server/security/page-write-guard';
import { applySecurityHeaders } from '@/server/security/security-headers';

// The web process: Next.js and Socket.IO on one HTTP server and one port.

async function main(): Promise<void> {
  const env = getEnv();
  const logger = getLogger();
  const dev = env.NEXT_DEV ?? env.NODE_ENV === 'development';

  logNextDisconnectsAsInfo((reason) =>
    logger.info({ reason }, 'the client went away before the request was read (Next)'),
  );
  const httpServer = createServer();
  const app = next({ dev, hostname: env.HOST, port: env.PORT, httpServer });
  await app.prepare();
  const handle = app.getRequestHandler();
  httpServer.on('request', (req, res) => {
    // Every request gets an id (the caller's, if sane): on the answer, in problem bodies'
    // `instance`, and on every log line written while it is handled (lib/log-context.ts).
    const requestId = chooseRequestId(req.headers['x-request-id']);
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    runWithLogContext({ requestId }, () => {
      // The client address for rate limits and the audit log, set here so no client can forge it.
      req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? 'unknown';
      observeHttpRequest(req, res);
      logAnswer(req, res);
      applySecurityHeaders(req, res, { dev });
      if (guardRequest(req, res) || refuseForeignPageWrite(req, res)) return;
      // Uploads and /metrics (server/http/server-endpoints.ts), then the busiest REST routes.
      if (serveServerEndpoint(req, res)) return;
      if (!serveDirectEndpoint(req, res)) {
        prepareForNext(req, res);
        void handle(req, res);
      }
    });
  });
  httpServer.on('clientError', answerClientError);
  // Engine.IO wraps the request listener above and answers /socket.io/ itself.
  const realtime = await attachSocketServer(httpServer);
  watchOpenSockets(() => realtime.io.engine.clientsCount);
  // Postgres holds the schedules; BullMQ's job schedulers are brought in line at start and
  // checked again now and then (server/schedules/schedule-sync.ts).
  const stopScheduleSync = startScheduleSync(env.SCHEDULE_SYNC_INTERVAL_MS);
  // Cluster-wide queue limits, written by every process at start (idempotent).
  await applyGlobalConcurrencyAtStart(undefined, (error) =>
    logger.warn({ err: error }, 'could not apply the queues’ global concurrency'),
  );
  // No accepted task is lost between Postgres and Redis (server/durability/).
  const stopDurability = startDurabilityLoops();
  // Admins' alert rules, one web process at a time (server/alerts/).
  const stopAlerts = startAlertLoop();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(env.PORT, env.HOST, resolve);
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${port}`;
  logger.info({ url, dev }, 'web server listening');
  // Read by scripts/supervise.ts and the tests to learn the URL when PORT=0.
  process.stdout.write(`TASKDECK_URL=${url}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'web server stopping');
    const forceExit = setTimeout(() => process.exit(1), env.SHUTDOWN_TIMEOUT_MS).unref();
    stopScheduleSync();
    stopDurability();
    stopAlerts();
    await realtime.close(); // closes the sockets and the HTTP server
    await app.close();
    await closeClients();
    clearTimeout(forceExit);
    logger.info('web server stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  getLogger().fatal({ err: error }, 'web server failed to start');
  process.exit(1);
});
