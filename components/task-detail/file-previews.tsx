'use client';

import { useEffect, useState } from 'react';
import type { TaskFileView } from '@/lib/files/task-file-view';
import { formatBytes } from '@/lib/format-bytes';

const inline = (file: TaskFileView) => `${file.url}?disposition=inline`;

/** Reads a small output (a summary, an email) for display; large ones are only downloadable. */
function useFileText(file: TaskFileView | undefined, maxBytes = 2 * 1024 * 1024) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!file || file.size > maxBytes) return;
    let stale = false;
    fetch(inline(file), { cache: 'no-store' })
      .then(async (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body = await response.text();
        if (!stale) setText(body);
      })
      .catch(() => {
        if (!stale) setError('The preview could not be loaded.');
      });
    return () => {
      stale = true;
    };
  }, [file, maxBytes]);
  return { text, error };
}

interface ColumnSummary {
  name: string;
  inferredType: string;
  nulls: number;
  nonNull: number;
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  distinctEstimate: number;
}

interface CsvSummary {
  rows: number;
  validRows: number;
  invalidRows: number;
  problemCount: number;
  problems: Array<{ line: number; message: string }>;
  columns: ColumnSummary[];
  sample?: string[][];
}

function show(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3);
  return value;
}

export function CsvSummaryPreview({ file }: { file: TaskFileView }) {
  const { text, error } = useFileText(file);
  if (error) return <p className="text-sm text-red-700">{error}</p>;
  if (!text) return <p className="text-sm text-slate-500">Loading the summary…</p>;
  let summary: CsvSummary;
  try {
    summary = JSON.parse(text) as CsvSummary;
  } catch {
    return <p className="text-sm text-red-700">The summary is not valid JSON.</p>;
  }
  return (
    <div data-testid="csv-summary" className="space-y-3">
      <p className="text-sm">
        <strong>{summary.rows.toLocaleString()}</strong> rows,{' '}
        <strong>{summary.columns.length}</strong> columns;{' '}
        <span data-testid="csv-valid-rows">{summary.validRows.toLocaleString()}</span> valid,{' '}
        <span data-testid="csv-invalid-rows">{summary.invalidRows.toLocaleString()}</span> left out.
      </p>
      <div tabIndex={0} className="overflow-x-auto">
        <table className="min-w-full text-left text-xs">
          <thead className="bg-slate-50 text-slate-600">
            <tr>
              {['Column', 'Type', 'Nulls', 'Min', 'Max', 'Mean', 'Distinct (est.)'].map((h) => (
                <th key={h} scope="col" className="px-2 py-1 font-semibold">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {summary.columns.map((column) => (
              <tr key={column.name} data-testid="csv-column">
                <th scope="row" className="px-2 py-1 font-medium">
                  {column.name}
                </th>
                <td className="px-2 py-1">{column.inferredType}</td>
                <td className="px-2 py-1 tabular-nums">{column.nulls}</td>
                <td className="px-2 py-1 tabular-nums">{show(column.min)}</td>
                <td className="px-2 py-1 tabular-nums">{show(column.max)}</td>
                <td className="px-2 py-1 tabular-nums">{show(column.mean)}</td>
                <td className="px-2 py-1 tabular-nums">{column.distinctEstimate}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {summary.problems.length > 0 ? (
        <div>
          <h4 className="text-sm font-semibold">
            Problems ({summary.problemCount.toLocaleString()}
            {summary.problemCount > summary.problems.length
              ? `, first ${summary.problems.length} shown`
              : ''}
            )
          </h4>
          <ul data-testid="csv-problems" className="mt-1 max-h-48 overflow-y-auto text-xs">
            {summary.problems.map((problem, index) => (
              <li key={`${problem.line}-${index}`}>
                <span className="font-mono text-slate-500">line {problem.line}:</span>{' '}
                {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

export function ThumbnailGallery({ files }: { files: TaskFileView[] }) {
  if (files.length === 0) return null;
  return (
    <ul data-testid="thumbnails" className="flex flex-wrap items-end gap-3">
      {files.map((file) => (
        <li key={file.id} className="text-center text-xs text-slate-500">
          {/* eslint-disable-next-line @next/next/no-img-element -- our own API, sized outputs */}
          <img
            src={inline(file)}
            alt={`Thumbnail ${String(file.meta?.width ?? '')}×${String(file.meta?.height ?? '')}`}
            className="max-h-40 rounded border border-slate-200"
          />
          <span>
            {String(file.meta?.width ?? '?')}×{String(file.meta?.height ?? '?')} ·{' '}
            {formatBytes(file.size)}
          </span>
        </li>
      ))}
    </ul>
  );
}
