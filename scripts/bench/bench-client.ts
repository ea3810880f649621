import { io as connectSocketIo, type Socket } from 'socket.io-client';
import {
  nowMs,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type TaskUpdate,
} from '@/lib/realtime/events';
import type { TaskTransitionView, TaskView } from '@/lib/tasks/task-view';
import { BenchSetupError } from './bench-script';

// The client side of the benchmarks: the REST API and a Socket.IO client, as a browser uses them.

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

export async function postTask(
  target: BenchTarget,
  type: string,
  payload: unknown,
): Promise<PostedTask> {
  const body = JSON.stringify({ type, payload });
  const sentAt = Date.now();
  const response = await fetch(`${target.url}/api/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.apiKey}` },
    body,
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const respondedAtPerf = nowMs();
  const respondedAt = Date.now();
  const json = (await response.json()) as unknown;
  if (response.status !== 201 || !isTaskView(json)) {
    throw new BenchSetupError(
      `POST /api/v1/tasks answered ${response.status}: ${JSON.stringify(json)}`,
    );
  }
  return { task: json, sentAt, respondedAt, respondedAtPerf };
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
  const sentAt = nowMs();
  const response = await fetch(`${target.url}/api/v1/tasks/${id}/cancel`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.apiKey}` },
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const respondedAt = nowMs();
  const json = (await response.json()) as unknown;
  if (response.status !== 202 || !isTaskView(json)) {
    throw new BenchSetupError(
      `POST /api/v1/tasks/${id}/cancel answered ${response.status}: ${JSON.stringify(json)}`,
    );
  }
  return { task: json, sentAt, respondedAt };
}

export async function getTask(target: BenchTarget, id: string): Promise<TaskView> {
  const response = await fetch(`${target.url}/api/v1/tasks/${id}`, {
    headers: { authorization: `Bearer ${target.apiKey}` },
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const json = (await response.json()) as unknown;
  if (!response.ok || !isTaskView(json)) {
    throw new BenchSetupError(`GET /api/v1/tasks/${id} answered ${response.status}`);
  }
  return json;
}

/** GET /api/v1/tasks/{id}/transitions: the task's recorded status changes, oldest first. */
export async function getTransitions(
  target: BenchTarget,
  id: string,
): Promise<TaskTransitionView[]> {
  const response = await fetch(`${target.url}/api/v1/tasks/${id}/transitions`, {
    headers: { authorization: `Bearer ${target.apiKey}` },
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const json = (await response.json()) as { data?: unknown };
  if (!response.ok || !Array.isArray(json.data)) {
    throw new BenchSetupError(`GET /api/v1/tasks/${id}/transitions answered ${response.status}`);
  }
  return json.data as TaskTransitionView[];
}

function isTaskView(value: unknown): value is TaskView {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string' &&
    typeof (value as { status?: unknown }).status === 'string'
  );
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
