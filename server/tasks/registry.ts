import type { TaskType } from './task-type';
import { diagnosticsSimulate } from './types/diagnostics-simulate';
import { diagnosticsStall } from './types/diagnostics-stall';
import { emailSend } from './types/email-send';
import { fileProcess } from './types/file-process';
import { maintenanceCleanup } from './types/maintenance-cleanup';
import { reportGenerate } from './types/report-generate';

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
