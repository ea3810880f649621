import type { TaskPriority, TaskStatus, ScheduleTrigger } from '@/lib/tasks/task-view';
import type { MissedRunPolicy, RepeatSpec } from './schedule-spec';

// A schedule outside the server: REST bodies and React props. Safe to import from the browser.

export interface ScheduleView {
  id: string;
  name: string;
  taskType: string;
  payload: Record<string, unknown>;
  priority: TaskPriority;
  repeat: RepeatSpec;
  /** "At 03:00 (UTC)", "Every 3 seconds". */
  description: string;
  enabled: boolean;
  missedRunPolicy: MissedRunPolicy;
  ownerId: string | null;
  version: number;
  /** The next five run times (ISO); empty while paused. */
  nextRuns: string[];
  lastRunAt: string | null;
  skippedRuns: number;
  lastSkippedAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The latest run, for the list. */
  lastRun: { taskId: string; status: TaskStatus; trigger: ScheduleTrigger | null } | null;
}
