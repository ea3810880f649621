import { io as connectSocketIo, type Socket } from 'socket.io-client';
import {
  nowMs,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type TaskUpdate,
} from '@/lib/realtime/events';
import type { TaskTransitionView, TaskView } from '@/lib/tasks/task-view';
import { createApiClient, type ApiClient } from '@/tests/support/api-client';
import { BenchSetupError } from './bench-script';

// The client side of the benchmarks: the REST API through the typed client generated from the
// OpenAPI document, and a Socket.IO client, as a browser uses them.

export type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const CONNECT_TIMEOUT_MS = 10_000;
const HTTP_TIMEOUT_MS = 10_000;

export interface PostedTask {
  task: TaskView;
  /** Date.now() just before the request was sent. */
  sentAt: number;
  /** Date.now() as soon as the response headers arrived, before the body is read. */
  respondedAt: number;
  /** The same moment on the nowMs() clock, to compare with socket arrival times. */
  respondedAtPerf: number;
}

/** Where the app runs, and the API key the benchmark acts with. */
export interface BenchTarget {
  url: string;
  apiKey: string;
}

// Clients are made once per target: the measured requests then cost what one typed call costs.
const clients = new Map<string, ApiClient>();

/** The typed REST client (tests/support/api-client.ts) acting with the target's key. */
export function benchApi(target: BenchTarget): ApiClient {
  const key = `${target.url} ${target.apiKey}`;
  let client = clients.get(key);
  if (!client) {
    client = createApiClient(target.url, { apiKey: target.apiKey });
    clients.set(key, client);
  }
  return client;
}

function failure(what: string, response: Response, error: unknown): BenchSetupError {
  return new BenchSetupError(`${what} answered ${response.status}: ${JSON.stringify(error)}`);
}

export async function postTask(
  target: BenchTarget,
  type: string,
  payload: unknown,
): Promise<PostedTask> {
  let respondedAtPerf = 0;
  let respondedAt = 0;
  // Taken when the response headers arrive, before openapi-fetch reads the body, as before.
  const stamp = {
    onResponse() {
      respondedAtPerf = nowMs();
      respondedAt = Date.now();
    },
  };
  const sentAt = Date.now();
  const { data, error, response } = await benchApi(target).POST('/api/v1/tasks', {
    body: { type, payload },
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    middleware: [stamp],
  });
  if (response.status !== 201 || !data) throw failure('POST /api/v1/tasks', response, error);
  return { task: data, sentAt, respondedAt, respondedAtPerf };
}

export interface CancelResponse {
  /** The task as the cancel request left it: `cancelling` for a running one. */
  task: TaskView;
  /** nowMs() just before the request was sent. */
  sentAt: number;
  /** nowMs() as soon as the response headers arrived. */
  respondedAt: number;
}

/** POST /api/v1/tasks/{id}/cancel, timed on the nowMs() clock. */
export async function cancelTask(target: BenchTarget, id: string): Promise<CancelResponse> {
  let respondedAt = 0;
  const stamp = {
    onResponse() {
      respondedAt = nowMs();
    },
  };
  const sentAt = nowMs();
  const { data, error, response } = await benchApi(target).POST('/api/v1/tasks/{id}/cancel', {
    params: { path: { id } },
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    middleware: [stamp],
  });
  if (response.status !== 202 || !data) {
    throw failure(`POST /api/v1/tasks/${id}/cancel`, response, error);
  }
  return { task: data, sentAt, respondedAt };
}

export async function getTask(target: BenchTarget, id: string): Promise<TaskView> {
  const { data, error, response } = await benchApi(target).GET('/api/v1/tasks/{id}', {
    params: { path: { id } },
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (!data) throw failure(`GET /api/v1/tasks/${id}`, response, error);
  return data;
}

/** GET /api/v1/tasks/{id}/transitions: the task's recorded status changes, oldest first. */
export async function getTransitions(
  target: BenchTarget,
  id: string,
): Promise<TaskTransitionView[]> {
  const { data, error, response } = await benchApi(target).GET('/api/v1/tasks/{id}/transitions', {
    params: { path: { id } },
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (!data) throw failure(`GET /api/v1/tasks/${id}/transitions`, response, error);
  return data.data;
}

/** Connects as the key's owner; the server puts the socket in that owner's room. */
export async function connectSocket(target: BenchTarget): Promise<BenchSocket> {
  const baseUrl = target.url;
  const socket: BenchSocket = connectSocketIo(baseUrl, {
    path: '/socket.io/',
    auth: { token: target.apiKey },
    transports: ['websocket'],
    reconnection: false,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BenchSetupError(`Socket.IO did not connect to ${baseUrl}`)),
        CONNECT_TIMEOUT_MS,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (error) => {
        clearTimeout(timer);
        reject(new BenchSetupError(`Socket.IO connect failed: ${error.message}`));
      });
    });
  } catch (error) {
    socket.disconnect();
    throw error;
  }
  return socket;
}

export interface ReceivedUpdate {
  update: TaskUpdate;
  /** nowMs() (performance.timeOrigin + performance.now()) taken first thing on arrival. */
  receivedAt: number;
}

type Waiter = {
  taskId: string;
  matches: (update: TaskUpdate) => boolean;
  resolve: (received: ReceivedUpdate) => void;
};

/**
 * Records every 'task.updated' a socket receives, by task id. Events may arrive before the
 * POST that created the task has answered, so they are kept from the start, not per request.
 */
export class TaskUpdateLog {
  private readonly byTask = new Map<string, ReceivedUpdate[]>();
  private readonly waiters = new Set<Waiter>();

  /** Without a socket, another transport (the SSE bench's EventSource) calls record(). */
  constructor(socket?: BenchSocket) {
    socket?.on('task.updated', (update) => this.record(update, nowMs()));
  }

  record(update: TaskUpdate, receivedAt: number): void {
    const received = { update, receivedAt };
    let list = this.byTask.get(update.id);
    if (!list) {
      list = [];
      this.byTask.set(update.id, list);
    }
    list.push(received);
    for (const waiter of [...this.waiters]) {
      if (waiter.taskId === update.id && waiter.matches(update)) {
        this.waiters.delete(waiter);
        waiter.resolve(received);
      }
    }
  }

  updatesOf(taskId: string): ReceivedUpdate[] {
    return this.byTask.get(taskId) ?? [];
  }

  /** Forgets a finished task so long runs do not keep every event in memory. */
  forget(taskId: string): void {
    this.byTask.delete(taskId);
  }

  /** The first update of the task (already received or still to come) that matches. */
  waitFor(
    taskId: string,
    matches: (update: TaskUpdate) => boolean,
    timeoutMs: number,
  ): Promise<ReceivedUpdate> {
    const seen = this.updatesOf(taskId).find((received) => matches(received.update));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        taskId,
        matches,
        resolve: (received) => {
          clearTimeout(timer);
          resolve(received);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new BenchSetupError(`no matching task.updated for ${taskId} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
