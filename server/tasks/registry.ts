import type { TaskType } from './task-type';
import { diagnosticsSimulate } from './types/diagnostics-simulate';
import { diagnosticsStall } from './types/diagnostics-stall';
import { emailSend } from './types/email-send';
import { fileProcess } from './types/file-process';
import { maintenanceCleanup } from './types/maintenance-cleanup';
import { reportGenerate } from './types/report-generate';
import { tasksBulk } from './types/tasks-bulk';
import { webhooksDeliver } from './types/webhooks-deliver';

// One registry for both sides: the producer validates payloads and picks queues with it,
// the worker finds processors in it.
const taskTypes: ReadonlyMap<string, TaskType> = new Map(
  [
    reportGenerate,
    fileProcess,
    emailSend,
    maintenanceCleanup,
    diagnosticsSimulate,
    diagnosticsStall,
    webhooksDeliver,
    tasksBulk,
  ].map((type) => [type.name, type as unknown as TaskType]),
);

export function findTaskType(name: string): TaskType | undefined {
  return taskTypes.get(name);
}

export function listTaskTypes(): TaskType[] {
  return [...taskTypes.values()];
}

export function listQueueNames(): string[] {
  return [...new Set(listTaskTypes().map((type) => type.defaults.queue))].sort();
}

let silent: string[] | undefined;

/** The types whose ends send no webhook (a delivery telling of a delivery would never end). */
export function findSilentTaskTypes(): string[] {
  silent ??= listTaskTypes()
    .filter((type) => type.webhooks === false)
    .map((type) => type.name);
  return silent;
}
