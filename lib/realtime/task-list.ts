import type { TaskUpdate } from './events';
import { mergeTaskSnapshot, mergeTaskUpdate } from './merge-task-update';
import type { TaskView } from '@/lib/tasks/task-view';

// The dashboard's list of tasks as a pure reducer: newest first, one entry per id, every
// change merged by (revision, seq) so order of arrival does not matter.

export interface TaskListState {
  ids: string[];
  byId: Record<string, TaskView>;
}

export type TaskListAction =
  | { kind: 'snapshots'; tasks: TaskView[] }
  | { kind: 'update'; update: TaskUpdate }
  | { kind: 'append-page'; tasks: TaskView[] };

export function createTaskList(tasks: TaskView[]): TaskListState {
  return reduceTaskList({ ids: [], byId: {} }, { kind: 'append-page', tasks });
}

function newestFirst(a: TaskView, b: TaskView): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

export function reduceTaskList(state: TaskListState, action: TaskListAction): TaskListState {
  switch (action.kind) {
    case 'update': {
      const current = state.byId[action.update.id];
      if (!current) return state;
      const merged = mergeTaskUpdate(current, action.update);
      return merged === current
        ? state
        : { ...state, byId: { ...state.byId, [merged.id]: merged } };
    }
    case 'snapshots':
    case 'append-page': {
      if (action.tasks.length === 0) return state;
      const byId = { ...state.byId };
      let added = false;
      let changed = false;
      for (const task of action.tasks) {
        const current = byId[task.id];
        const next = current ? mergeTaskSnapshot(current, task) : task;
        if (next === current) continue;
        byId[task.id] = next;
        changed = true;
        added ||= !current;
      }
      // Same reference when nothing changed, so React skips the render (every reconnect
      // resubscribes and mostly gets back what it already shows).
      if (!changed) return state;
      const ids = added
        ? Object.values(byId)
            .sort(newestFirst)
            .map((task) => task.id)
        : state.ids;
      return { ids, byId };
    }
  }
}
