import { createHash, timingSafeEqual } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { NotFoundError, ServiceUnavailableError, UnauthorizedError } from '@/lib/errors';
import { isQueryCanceled } from '@/server/db/timed-statement';
import { errorToProblem, PROBLEM_TYPE_BASE, problemResponse } from '@/server/http/problem';
import { describeOutage, infrastructureErrorKind } from '@/server/infra/infra-errors';
import { isRedisDown } from '@/server/infra/redis-health';
import { listQueueConfigs } from '@/server/queues/queue-config';
import { SCHEDULES_QUEUE } from '@/server/schedules/schedule-queue';
import { exportBullmqMetrics } from './bullmq-export';
import { METRICS_CONTENT_TYPE, renderProcessMetrics } from './process-metrics';
import { readQueueFigures } from './queue-figures';
import { buildSharedRegistry, readOutbox } from './shared-metrics';
import { readTaskOutcomes } from './task-outcomes';

// GET /metrics: the Prometheus text format, for a scraper holding METRICS_TOKEN (a bearer
// token of its own, not an API key: a scraper needs no user). Without METRICS_TOKEN the
// endpoint is off and answers 404. A scrape reads Redis in a few pipelined round trips and
// Postgres in one statement under its own timeout, all within SCRAPE_DEADLINE_MS; an outage or
// a slow dependency is a 503 with Retry-After (Prometheus records the target as down), never a
// 500.

const SCRAPE_DEADLINE_MS = 3_000;
const ALLOW = 'GET, HEAD, OPTIONS';

export interface MetricsRequest {
  method: string;
  headers: Headers;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant time whatever the length: both sides are hashed to 32 bytes first. */
function holdsToken(headers: Headers, token: string): boolean {
  const match = /^Bearer (\S+)$/i.exec(headers.get('authorization') ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

function withinDeadline<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ServiceUnavailableError(
            'Taskdeck could not gather its metrics in time (Redis or the database is slow). Try again in a few seconds.',
          ),
        ),
      SCRAPE_DEADLINE_MS,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

async function gather(): Promise<string> {
  if (isRedisDown()) {
    throw new ServiceUnavailableError(describeOutage('redis'));
  }
  const taskQueues = listQueueConfigs().map((queue) => queue.name);
  const [outcomes, queues, outbox, bullmq, own] = await Promise.all([
    readTaskOutcomes(),
    readQueueFigures(taskQueues),
    readOutbox().catch((error: unknown) => {
      if (isQueryCanceled(error)) {
        throw new ServiceUnavailableError(
          'Counting the outbox took too long. Try again in a few seconds.',
        );
      }
      // Straight on pg's pool, a refused connection arrives bare (ECONNREFUSED), with no
      // Prisma error around it to say which dependency it was: here it can only be Postgres.
      if (infrastructureErrorKind(error) === 'network') {
        throw new ServiceUnavailableError(describeOutage('postgres'), undefined, { cause: error });
      }
      throw error;
    }),
    exportBullmqMetrics([...taskQueues, SCHEDULES_QUEUE]),
    renderProcessMetrics(),
  ]);
  const shared = await buildSharedRegistry({ outcomes, queues, outbox }).metrics();
  return `${own.trimEnd()}\n\n${shared.trimEnd()}\n\n${bullmq.trimEnd()}\n`;
}

export async function handleMetricsRequest(request: MetricsRequest): Promise<Response> {
  const context = { method: request.method, url: '/metrics' };
  const token = getEnv().METRICS_TOKEN;
  if (!token) {
    return errorToProblem(
      new NotFoundError('Metrics are off: set METRICS_TOKEN to serve them here.'),
      context,
    );
  }
  if (request.method === 'OPTIONS')
    return new Response(null, { status: 204, headers: { allow: ALLOW } });
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return problemResponse(
      {
        type: `${PROBLEM_TYPE_BASE}method_not_allowed`,
        title: 'Method not allowed',
        status: 405,
        detail: `${request.method} is not supported here. Use GET.`,
        code: 'method_not_allowed',
      },
      { allow: ALLOW },
    );
  }
  if (!holdsToken(request.headers, token)) {
    return errorToProblem(
      new UnauthorizedError('Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>".'),
      context,
    );
  }
  try {
    const body = await withinDeadline(gather());
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' },
    });
  } catch (error) {
    return errorToProblem(error, context);
  }
}
