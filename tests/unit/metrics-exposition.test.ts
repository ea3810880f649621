import { describe, expect, it } from 'vitest';
import { mergeExpositions } from '@/server/metrics/bullmq-export';
import { labelRoute } from '@/server/metrics/route-label';
import { buildSharedRegistry } from '@/server/metrics/shared-metrics';
import { bucketOf, parseTaskOutcomes } from '@/server/metrics/task-outcomes';

// The pure parts of /metrics: BullMQ's documents merged into one exposition, the run-time
// buckets and their hash, the shared figures as text, and route labels that never carry a path.

const bullmqDocument = (queue: string, waiting: number) =>
  [
    '# HELP bullmq_job_count Number of jobs in the queue by state',
    '# TYPE bullmq_job_count gauge',
    `bullmq_job_count{queue="${queue}", state="waiting"} ${waiting}`,
    '# HELP bullmq_job_completed_total Total number of completed jobs',
    '# TYPE bullmq_job_completed_total counter',
    `bullmq_job_completed_total{queue="${queue}"} 0`,
  ].join('\n');

describe('mergeExpositions', () => {
  it('writes each family once, with the samples of every document', () => {
    const merged = mergeExpositions([bullmqDocument('files', 2), bullmqDocument('reports', 5)]);
    expect(merged.split('\n')).toEqual([
      '# HELP bullmq_job_count Number of jobs in the queue by state',
      '# TYPE bullmq_job_count gauge',
      'bullmq_job_count{queue="files", state="waiting"} 2',
      'bullmq_job_count{queue="reports", state="waiting"} 5',
      '# HELP bullmq_job_completed_total Total number of completed jobs',
      '# TYPE bullmq_job_completed_total counter',
      'bullmq_job_completed_total{queue="files"} 0',
      'bullmq_job_completed_total{queue="reports"} 0',
    ]);
  });
});

describe('task run buckets', () => {
  it('counts a run in the first bucket that holds it, past the last in +Inf', () => {
    expect(bucketOf(0)).toBe('0.05');
    expect(bucketOf(0.05)).toBe('0.05');
    expect(bucketOf(0.051)).toBe('0.1');
    expect(bucketOf(3600)).toBe('3600');
    expect(bucketOf(3600.5)).toBe('+Inf');
  });

  it('reads counts, buckets and sums back from the hash, skipping what it does not know', () => {
    const outcomes = parseTaskOutcomes({
      'finished|report.generate|succeeded': '3',
      'finished|report.generate|failed': '1',
      'run|report.generate|0.5': '2',
      'run|report.generate|+Inf': '1',
      'runsum|report.generate': '4000.25',
      'finished|': '9',
      'other|x|y': '1',
      'run|x|1': 'NaN',
    });
    expect(outcomes.finished).toEqual(
      new Map([
        [
          'report.generate',
          new Map([
            ['succeeded', 3],
            ['failed', 1],
          ]),
        ],
      ]),
    );
    expect(outcomes.runs).toEqual(
      new Map([
        [
          'report.generate',
          {
            buckets: new Map([
              ['0.5', 2],
              ['+Inf', 1],
            ]),
            sum: 4000.25,
          },
        ],
      ]),
    );
  });
});

describe('the shared figures as text', () => {
  it('renders cumulative buckets, zeros for known types, and one sample per queue', async () => {
    const outcomes = parseTaskOutcomes({
      'finished|diagnostics.simulate|succeeded': '3',
      'run|diagnostics.simulate|0.05': '1',
      'run|diagnostics.simulate|2.5': '2',
      'runsum|diagnostics.simulate': '3.5',
    });
    const text = await buildSharedRegistry({
      outcomes,
      queues: [{ queue: 'diagnostics', waiting: 4, oldestWaitingSeconds: 1.5, liveWorkers: 2 }],
      outbox: { backlog: 7, oldestSeconds: 12 },
    }).metrics();
    const lines = text.split('\n');
    expect(lines).toContain(
      'taskdeck_tasks_finished_total{type="diagnostics.simulate",status="succeeded"} 3',
    );
    expect(lines).toContain(
      'taskdeck_tasks_finished_total{type="diagnostics.simulate",status="cancelled"} 0',
    );
    expect(lines).toContain(
      'taskdeck_task_run_seconds_bucket{le="0.05",type="diagnostics.simulate"} 1',
    );
    expect(lines).toContain(
      'taskdeck_task_run_seconds_bucket{le="1",type="diagnostics.simulate"} 1',
    );
    expect(lines).toContain(
      'taskdeck_task_run_seconds_bucket{le="2.5",type="diagnostics.simulate"} 3',
    );
    expect(lines).toContain(
      'taskdeck_task_run_seconds_bucket{le="+Inf",type="diagnostics.simulate"} 3',
    );
    expect(lines).toContain('taskdeck_task_run_seconds_sum{type="diagnostics.simulate"} 3.5');
    expect(lines).toContain('taskdeck_task_run_seconds_count{type="diagnostics.simulate"} 3');
    expect(lines).toContain('# TYPE taskdeck_task_run_seconds histogram');
    expect(lines).toContain('taskdeck_queue_waiting{queue="diagnostics"} 4');
    expect(lines).toContain('taskdeck_queue_oldest_waiting_seconds{queue="diagnostics"} 1.5');
    expect(lines).toContain('taskdeck_queue_live_workers{queue="diagnostics"} 2');
    expect(lines).toContain('taskdeck_outbox_backlog 7');
    expect(lines).toContain('taskdeck_outbox_oldest_seconds 12');
  });
});

describe('labelRoute', () => {
  it('names the route pattern, never the path', () => {
    expect(labelRoute('/api/v1/tasks/0198f0aa-1111-7000-8000-000000000000')).toBe(
      '/api/v1/tasks/[id]',
    );
    expect(labelRoute('/api/v1/tasks/abc/files/def?download=1')).toBe(
      '/api/v1/tasks/[id]/files/[fileId]',
    );
    expect(labelRoute('/api/v1/tasks/bulk')).toBe('/api/v1/tasks/bulk');
    expect(labelRoute('/api/v1/tasks/')).toBe('/api/v1/tasks');
    expect(labelRoute('/api/v1/files')).toBe('/api/v1/files');
    expect(labelRoute('/metrics?x=1')).toBe('/metrics');
    expect(labelRoute('/_next/static/chunks/abc.js')).toBe('/_next/*');
  });

  it('puts every path no route knows under one label', () => {
    const labels = new Set(
      ['/nope', '/api/v1/nope/a/b', '/%00', '/wp-login.php', '/api/v1/tasks/a/b/c/d'].map(
        labelRoute,
      ),
    );
    expect(labels).toEqual(new Set(['unmatched']));
  });
});
