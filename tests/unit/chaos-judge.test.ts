import { describe, expect, it } from 'vitest';
import { judge } from '@/scripts/chaos/report';
import { summarizeResponses } from '@/scripts/chaos/responses';
import type { Attempt, Submission } from '@/scripts/chaos/load';
import type { StuckTask } from '@/scripts/chaos/diagnostics';

// The chaos suite's verdicts: each invariant must fail on its own violation, or the suite
// could pass a run that broke a promise.

const submission = (index: number, idempotencyKey?: string): Submission => ({
  index,
  body: { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 1 } },
  idempotencyKey,
  replay: false,
});
const created = (index: number, taskId: string, extra: Partial<Attempt> = {}): Attempt => ({
  submission: index,
  attempt: 1,
  atMs: 0,
  ms: 1,
  outcome: 201,
  taskId,
  ...extra,
});
const plan = [submission(0), submission(1, 'key-1')];
const attempts = [created(0, 'a'), created(1, 'b')];

function cleanFacts() {
  return {
    deadlineS: 600,
    redisEmptyAtS: 24,
    recoveryLimitS: 60,
    responses: summarizeResponses(plan, attempts, []),
    acceptance: {
      submissions: 2,
      acceptedIds: ['a', 'b'],
      missingRows: [],
      rows: 2,
      rowsWithout201: 0,
      duplicates: [],
    },
    secondsToAllTerminal: 3,
    stuck: [] as StuckTask[],
    transitions: { badTerminalCounts: [], runAfterSuccess: [] },
    recovery: { pending: 2, allBackS: 4, allBackPastDueS: 4, neverBack: [], jobsBackS: 2 },
    faults: [],
  };
}

const failing = (facts: ReturnType<typeof cleanFacts>) =>
  judge(facts)
    .filter((check) => !check.ok)
    .map((check) => check.name);

describe('chaos verdicts', () => {
  it('passes a clean run', () => {
    expect(failing(cleanFacts())).toEqual([]);
  });

  it('fails each invariant on its own violation', () => {
    const stuckTask = { id: 'c', status: 'running', job: { state: 'unknown' } } as StuckTask;
    const cases: Array<[string, (facts: ReturnType<typeof cleanFacts>) => void]> = [
      ['every task terminal', (facts) => facts.stuck.push(stuckTask)],
      [
        'exactly one terminal transition',
        (facts) => {
          facts.transitions = {
            badTerminalCounts: [{ id: 'a', status: 'succeeded', terminalTransitions: 2 }] as never,
            runAfterSuccess: [],
          };
        },
      ],
      [
        'nothing runs after success',
        (facts) => {
          facts.transitions = {
            badTerminalCounts: [],
            runAfterSuccess: [{ id: 'a', after: ['running (revision 4)'] }] as never,
          };
        },
      ],
      ['every 201 backed', (facts) => (facts.acceptance.missingRows = ['a'] as never)],
      ['no task duplicated', (facts) => (facts.acceptance.rows = 3)],
      ['back at work', (facts) => (facts.recovery.allBackPastDueS = 61)],
      [
        'never another 5xx',
        (facts) => (facts.responses.serverErrors['500 internal_error (no Retry-After)'] = 1),
      ],
      [
        'every fault was injected',
        (facts) => {
          facts.faults = [
            { name: 'redis-empty', startMs: 0, endMs: 1, detail: '', error: 'boom' },
          ] as never;
        },
      ],
    ];
    for (const [name, breakIt] of cases) {
      const facts = cleanFacts();
      breakIt(facts);
      const failed = failing(facts);
      expect(failed, name).toHaveLength(1);
      expect(failed[0], name).toContain(name);
    }
  });

  it('accepts 503 with Retry-After and counts a replay that named the same task', () => {
    const replayPlan = [{ ...submission(0, 'key'), replay: true }];
    const responses = summarizeResponses(
      replayPlan,
      [
        {
          ...created(0, 'x'),
          outcome: 503,
          code: 'service_unavailable',
          retryAfter: '2',
          taskId: undefined,
        },
        created(0, 'x', { attempt: 2 }),
        created(0, 'x', { attempt: 3, replayed: true }),
      ],
      [{ name: 'redis-restart', startMs: 0, endMs: 10, detail: '' }],
    );
    expect(responses.serverErrorCount).toBe(1);
    expect(responses.serverErrorsByFault).toEqual({ 'redis-restart': 1 });
    expect(responses.replaysAnsweredSame).toBe(1);
    expect(responses.unacknowledged).toBe(0);
    expect(failing({ ...cleanFacts(), responses })).toEqual([]);
  });
});
