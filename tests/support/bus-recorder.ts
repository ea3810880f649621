import type { RedisClient } from '@/server/infra/clients';
import type { BusMessage, TaskUpdate } from '@/lib/realtime/events';
import { subscribeBusMessages } from '@/server/realtime/event-bus';

/** Records every task event published on the bus, for assertions on what clients would see. */
export class BusRecorder {
  readonly messages: BusMessage[] = [];
  private subscriber: RedisClient | null = null;
  private waiters: Array<() => void> = [];

  async start(): Promise<this> {
    this.subscriber = await subscribeBusMessages((message) => {
      this.messages.push(message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.subscriber?.quit();
  }

  updatesOf(taskId: string): TaskUpdate[] {
    return this.messages.flatMap((message) =>
      message.kind === 'task.updated' && message.update.id === taskId ? [message.update] : [],
    );
  }

  /** Resolves with the first update of the task that matches, waiting for it if needed. */
  async waitForUpdate(
    taskId: string,
    matches: (update: TaskUpdate) => boolean,
    timeoutMs = 15_000,
  ): Promise<TaskUpdate> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.updatesOf(taskId).find(matches);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.updatesOf(taskId).map(
          (u) => `${u.attempt}/${u.seq} ${u.status} ${u.progress}`,
        );
        throw new Error(
          `No matching update for ${taskId} within ${timeoutMs} ms; saw: ${seen.join(', ')}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export const isTerminal = (update: TaskUpdate) =>
  update.status === 'succeeded' || update.status === 'failed' || update.status === 'cancelled';
