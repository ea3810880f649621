import {
  profileCsv,
  type CsvColumnSummary,
  type CsvProfileOptions,
  type CsvSummary,
} from '@/lib/files/csv-profile';

// Runs profileCsv over an in-memory input, fed in chunks of a given size, for the CSV tests.

export const encoder = new TextEncoder();

export async function* source(input: string | Uint8Array, chunk = 0): AsyncGenerator<Uint8Array> {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  const size = chunk > 0 ? chunk : Math.max(1, bytes.length);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface Run {
  cleaned: string;
  chunks: string[];
  summary: CsvSummary;
}

export async function run(
  input: string | Uint8Array,
  options: CsvProfileOptions = {},
  chunk = 0,
): Promise<Run> {
  const profile = profileCsv(source(input, chunk), options);
  const chunks: string[] = [];
  for await (const piece of profile.cleaned) chunks.push(piece);
  return { cleaned: chunks.join(''), chunks, summary: profile.summary() };
}

export function column(summary: CsvSummary, name: string): CsvColumnSummary {
  const found = summary.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name}`);
  return found;
}
