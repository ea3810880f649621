import { describe, expect, it } from 'vitest';
import { AdmissionGate, withAdmission } from '@/server/http/admission';

// The admission gate with real concurrent handlers: each is held open on a promise the test
// resolves, so "in flight" means what it means in the web process, with no timers involved.

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A handler that answers 200 once its gate opens, and counts how many ran at once. */
function heldHandler() {
  const state = { started: 0, running: 0, peak: 0, gate: deferred() };
  const handler = async (): Promise<Response> => {
    state.started += 1;
    state.running += 1;
    state.peak = Math.max(state.peak, state.running);
    try {
      await state.gate.promise;
      return new Response('ok', { status: 200 });
    } finally {
      state.running -= 1;
    }
  };
  return { state, handler };
}

async function expectRefusal(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as { code: string; status: number };
  expect(body).toMatchObject({ code: 'service_unavailable', status: 503 });
}

describe('withAdmission', () => {
  it('admits up to the limit and refuses the next at once, while the others still run', async () => {
    const gate = new AdmissionGate(2);
    const { state, handler } = heldHandler();
    const admitted = withAdmission(handler, () => gate);

    const first = admitted();
    const second = admitted();
    // Neither has answered: the refusal below cannot be waiting for them.
    await expectRefusal(await admitted());
    expect(state.started).toBe(2);
    expect(gate.size).toBe(2);

    state.gate.resolve();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(gate.size).toBe(0);
  });

  it('frees a place when a handler answers, so the next request is admitted', async () => {
    const gate = new AdmissionGate(1);
    const held = deferred();
    let calls = 0;
    const admitted = withAdmission(
      async (wait: Promise<void>) => {
        calls += 1;
        await wait;
        return new Response(null, { status: 204 });
      },
      () => gate,
    );

    const first = admitted(held.promise);
    await expectRefusal(await admitted(Promise.resolve()));
    held.resolve();
    expect((await first).status).toBe(204);
    expect((await admitted(Promise.resolve())).status).toBe(204);
    expect(calls).toBe(2);
    expect(gate.size).toBe(0);
  });

  it('frees the place of a handler that throws', async () => {
    const gate = new AdmissionGate(1);
    const failing = deferred();
    const admitted = withAdmission(
      (wait: Promise<void>) => wait.then(() => new Response()),
      () => gate,
    );

    const first = admitted(failing.promise);
    expect(gate.size).toBe(1);
    failing.reject(new Error('database gone'));
    await expect(first).rejects.toThrow('database gone');
    expect(gate.size).toBe(0);
    expect((await admitted(Promise.resolve())).status).toBe(200);
  });

  it('under a burst runs exactly the limit at once and refuses every other request', async () => {
    const gate = new AdmissionGate(5);
    const { state, handler } = heldHandler();
    const admitted = withAdmission(handler, () => gate);

    const burst = Array.from({ length: 50 }, () => admitted());
    // Every refusal answers while the five admitted handlers are still held open.
    const refusals = await Promise.all(burst.slice(5));
    for (const response of refusals) await expectRefusal(response);
    expect(state.started).toBe(5);
    expect(state.peak).toBe(5);

    state.gate.resolve();
    const answers = await Promise.all(burst.slice(0, 5));
    expect(answers.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(gate.size).toBe(0);
  });
});

describe('AdmissionGate', () => {
  it('releases a place once however often its release is called', () => {
    const gate = new AdmissionGate(2);
    const release = gate.tryEnter();
    expect(release).not.toBeNull();
    expect(gate.tryEnter()).not.toBeNull();
    expect(gate.tryEnter()).toBeNull();
    release?.();
    release?.();
    expect(gate.size).toBe(1);
    expect(gate.tryEnter()).not.toBeNull();
    expect(gate.tryEnter()).toBeNull();
  });
});
