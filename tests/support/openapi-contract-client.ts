import { expect } from 'vitest';
import type { createContractChecker } from './openapi-validator';

// The calls of the OpenAPI contract test (tests/e2e/openapi-contract.test.ts): each made for
// real against the production build and its answer checked against the served document. An
// event stream is read only as far as its first events, each checked against the payload
// schema the document names for it, and then abandoned.

type ContractChecker = ReturnType<typeof createContractChecker>;

/** A UUID no row has. */
export const NO_SUCH_ID = '00000000-0000-7000-8000-000000000000';

export interface Call {
  /** The API key; undefined: the default one, null: none. */
  key?: string | null;
  body?: unknown;
  raw?: BodyInit;
  headers?: Record<string, string>;
  query?: string;
}

export interface StreamedEvent {
  type: string;
  id: string | undefined;
  data: unknown;
}

/** Parses the complete events of Server-Sent Events text (comments and `retry:` skipped). */
function parseEvents(text: string): StreamedEvent[] {
  const blocks = text.split('\n\n').slice(0, -1);
  return blocks.flatMap((block) => {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const match = /^([a-z]+): ?(.*)$/.exec(line);
      if (match) fields.set(match[1]!, match[2]!);
    }
    const data = fields.get('data');
    if (data === undefined) return [];
    return [
      { type: fields.get('event') ?? 'message', id: fields.get('id'), data: JSON.parse(data) },
    ];
  });
}

export function createContractClient(options: {
  baseUrl: string;
  contract: () => ContractChecker;
  defaultKey: () => string;
}) {
  function request(method: string, path: string, values: Record<string, string>, call: Call) {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name]!));
    const key = call.key === undefined ? options.defaultKey() : call.key;
    const controller = new AbortController();
    const response = fetch(`${options.baseUrl}${url}${call.query ? `?${call.query}` : ''}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...call.headers,
      },
      body: call.raw ?? (call.body !== undefined ? JSON.stringify(call.body) : undefined),
      signal: controller.signal,
    });
    return { response, controller };
  }

  async function checkWhole(method: string, path: string, response: Response) {
    const type = response.headers.get('content-type') ?? '';
    const bytes = Buffer.from(await response.arrayBuffer());
    const body: unknown = /json/.test(type) ? JSON.parse(bytes.toString('utf8')) : bytes.toString();
    const answer = { status: response.status, type, body, bytes, headers: response.headers };
    options.contract().check(method, path, answer);
    return answer;
  }

  return {
    /** Calls `method path` (the document's path, its `{params}` filled from `values`). */
    async call(method: string, path: string, values: Record<string, string>, call: Call = {}) {
      return checkWhole(method, path, await request(method, path, values, call).response);
    },

    /**
     * GETs an event stream. A 200 is read until `count` events arrived (each checked against
     * its documented payload schema), then the stream is abandoned; any other answer is read
     * whole and checked as `call` does.
     */
    async stream(
      path: string,
      values: Record<string, string>,
      count: number,
      call: Call = {},
    ): Promise<{
      status: number;
      body?: unknown;
      events: StreamedEvent[];
      open: OpenStream | null;
    }> {
      const { response: pending, controller } = request('GET', path, values, call);
      const response = await pending;
      if (response.status !== 200) {
        const { status, body } = await checkWhole('GET', path, response);
        return { status, body, events: [], open: null };
      }
      const type = response.headers.get('content-type') ?? '';
      options.contract().check('GET', path, { status: 200, type, body: '' });
      const open = new OpenStream(response, controller, (event) =>
        options.contract().checkEvent('GET', path, event),
      );
      return { status: 200, events: await open.next(count), open };
    },
  };
}

export type ContractClient = ReturnType<typeof createContractClient>;

/** The reading end of an event stream the test holds open. */
export class OpenStream {
  text = '';
  private seen = 0;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(
    response: Response,
    private readonly controller: AbortController,
    private readonly check: (event: StreamedEvent) => void,
  ) {
    this.reader = response.body!.getReader();
  }

  /** The next `count` events, each checked; fails when the stream ends before they come. */
  async next(count: number): Promise<StreamedEvent[]> {
    for (;;) {
      const events = parseEvents(this.text);
      if (events.length >= this.seen + count) {
        const next = events.slice(this.seen, this.seen + count);
        this.seen += count;
        for (const event of next) this.check(event);
        return next;
      }
      const { done, value } = await this.reader.read();
      expect(done, `the stream ended after ${events.length} events`).toBe(false);
      this.text += this.decoder.decode(value, { stream: true });
    }
  }

  close(): void {
    this.controller.abort();
  }
}
