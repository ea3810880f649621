import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Principal } from '@/server/auth/principal';
import { findQueueConfig, listQueueConfigs } from '@/server/queues/queue-config';
import { findTaskType, listQueueNames, listTaskTypes } from '@/server/tasks/registry';
import { toTaskView, type TaskViewSource } from '@/server/tasks/task-mapper';
import { DEFAULT_ORIGIN, type TaskDefaults, type TaskType } from '@/server/tasks/task-type';
import { listTaskTypeForms, toTaskTypeForm } from '@/server/tasks/task-type-catalog';

// What the UI shows about task types (the run and schedule forms, each row's label and
// summary, whether an admin may run one by hand, its queue) comes from the type modules alone:
// each fact below is compared with the module's own declaration, for every registered module.

const admin: Principal = {
  kind: 'user',
  userId: '01900000-0000-7000-8000-0000000000ad',
  email: 'admin@example.test',
  role: 'admin',
  via: 'session',
};

function rowOf(type: string, payload: unknown): TaskViewSource {
  return {
    id: '01900000-0000-7000-8000-000000000001',
    type,
    queue: 'reports',
    status: 'queued',
    priority: 'normal',
    progress: 0,
    progressMessage: null,
    payload: payload as TaskViewSource['payload'],
    result: null,
    error: null,
    attempts: 0,
    maxAttempts: 3,
    revision: 1,
    seq: 0,
    ownerId: null,
    createdAt: new Date('2026-02-01T10:00:00Z'),
    runAt: null,
    retryAt: null,
    cancelRequestedAt: null,
    startedAt: null,
    finishedAt: null,
    scheduleId: null,
    scheduleTrigger: null,
    parentTaskId: null,
  };
}

/** A payload the module's own schema makes from nothing, when it can; else an empty object. */
function defaultPayloadOf(type: TaskType): unknown {
  const parsed = type.schema.safeParse({});
  return parsed.success ? parsed.data : {};
}

const types = listTaskTypes();

describe('the task type catalog', () => {
  it('has the registered modules, each under its own name', () => {
    expect(types.length).toBeGreaterThan(0);
    for (const type of types) expect(findTaskType(type.name)).toBe(type);
  });

  it.each(types.map((type) => [type.name, type] as const))(
    '%s: the form is the module’s declaration',
    (_name, type) => {
      const internal = type.access === 'internal';
      const reason = type.origin?.byHand ?? DEFAULT_ORIGIN.byHand;
      expect(toTaskTypeForm(type)).toEqual({
        name: type.name,
        title: type.title,
        description: type.description,
        queue: type.defaults.queue,
        access: type.access ?? 'user',
        attempts: type.defaults.attempts,
        timeoutMs: type.defaults.timeoutMs,
        jsonSchema: JSON.parse(
          JSON.stringify(z.toJSONSchema(type.schema, { io: 'input', unrepresentable: 'any' })),
        ) as unknown,
        runnableByHand: !internal,
        ...(internal ? { reason } : {}),
      });
    },
  );

  it.each(types.map((type) => [type.name, type] as const))(
    '%s: a row shows the module’s label and its summary of the payload',
    (_name, type) => {
      const payload = defaultPayloadOf(type);
      const view = toTaskView(rowOf(type.name, payload));
      expect(view.label).toBe(type.label ?? type.title);
      expect(view.summary).toBe(type.summarize?.(payload) ?? null);
    },
  );

  it('lists every module as a form, runnable ones first', () => {
    const forms = listTaskTypeForms(admin);
    expect(forms.map((form) => form.name).sort()).toEqual(types.map((type) => type.name).sort());
    const runnable = forms.map((form) => form.runnableByHand);
    expect(runnable).toEqual([...runnable].sort((a, b) => Number(b) - Number(a)));
  });

  it('shows a type no module declares by its name, with no summary', () => {
    const view = toTaskView(rowOf('gone.away', { steps: 3 }));
    expect(view).toMatchObject({ type: 'gone.away', label: 'gone.away', summary: null });
  });

  it('shows no summary when a payload stored before a schema change breaks the summary', () => {
    const withSummary = types.filter((type) => type.summarize);
    expect(withSummary.length).toBeGreaterThan(0);
    for (const type of withSummary) {
      expect(toTaskView(rowOf(type.name, null)).summary).toBeNull();
      expect(() => toTaskView(rowOf(type.name, { file: null, steps: 'x' }))).not.toThrow();
      expect(toTaskView(rowOf(type.name, {})).summary).not.toBeUndefined();
    }
  });
});

describe('task type queues', () => {
  it.each(types.map((type) => [type.name, type.defaults.queue] as const))(
    '%s runs on a configured queue (%s)',
    (_name, queue) => {
      expect(findQueueConfig(queue)?.name).toBe(queue);
    },
  );

  it('every queue the registry lists is configured', () => {
    const configured = listQueueConfigs().map((queue) => queue.name);
    expect(listQueueNames().every((name) => configured.includes(name))).toBe(true);
  });

  it('a queue name that is not configured does not compile', () => {
    // @ts-expect-error -- 'reprots' is not a QueueName: typecheck fails if this line compiles.
    const typo: TaskDefaults['queue'] = 'reprots';
    expect(findQueueConfig(typo)).toBeUndefined();
  });
});
