import type { TaskProcessor, TaskType } from '@/server/tasks/task-type';

// Worker side only: a type's processor module is imported the first time one of its tasks runs,
// and kept. A failed import is not kept, so the next attempt tries again.
const loaded = new Map<string, Promise<TaskProcessor<unknown>>>();

export function loadTaskProcessor(type: TaskType): Promise<TaskProcessor<unknown>> {
  let processor = loaded.get(type.name);
  if (!processor) {
    processor = type.processor().then((module) => module.processTask as TaskProcessor<unknown>);
    loaded.set(type.name, processor);
    processor.catch(() => loaded.delete(type.name));
  }
  return processor;
}
