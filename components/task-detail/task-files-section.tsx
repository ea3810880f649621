'use client';

import type { TaskFileView } from '@/lib/files/task-file-view';
import { formatBytes } from '@/lib/format-bytes';
import { longTokenClass } from '../styles';
import { CsvSummaryPreview, ThumbnailGallery } from './file-previews';

const KIND_LABELS: Record<string, string> = {
  upload: 'Upload',
  'cleaned-csv': 'Cleaned CSV',
  'csv-summary': 'Summary (JSON)',
  thumbnail: 'Thumbnail',
  'clean-image': 'Image without metadata',
  report: 'Report',
  email: 'Email message',
};

function FileList({ files }: { files: TaskFileView[] }) {
  return (
    <ul className="divide-y divide-slate-100 text-sm">
      {files.map((file) => (
        <li
          key={file.id}
          data-testid="task-file"
          data-kind={file.kind}
          className="flex flex-wrap items-center justify-between gap-2 py-2"
        >
          <div className="min-w-0">
            <span className="break-all font-medium">{file.name}</span>
            <span className="ml-2 text-xs text-slate-500">
              {KIND_LABELS[file.kind] ?? file.kind} · {file.contentType.split(';')[0]} ·{' '}
              {formatBytes(file.size)}
            </span>
            {file.sha256 ? (
              <div className={`font-mono text-xs text-slate-500 ${longTokenClass}`} title="SHA-256">
                {file.sha256}
              </div>
            ) : null}
          </div>
          <a
            href={file.url}
            download
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-100"
          >
            Download
          </a>
        </li>
      ))}
    </ul>
  );
}

export function InputFiles({ files }: { files: TaskFileView[] }) {
  const inputs = files.filter((file) => file.role === 'input');
  return inputs.length > 0 ? <FileList files={inputs} /> : null;
}

export function OutputFiles({ files, finished }: { files: TaskFileView[]; finished: boolean }) {
  const outputs = files.filter((file) => file.role === 'output');
  if (outputs.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        {finished ? 'This task produced no files.' : 'Files appear here when the task is done.'}
      </p>
    );
  }
  const summary = outputs.find((file) => file.kind === 'csv-summary');
  const thumbnails = outputs
    .filter((file) => file.kind === 'thumbnail')
    .sort((a, b) => Number(a.meta?.width ?? 0) - Number(b.meta?.width ?? 0));
  return (
    <div className="space-y-4">
      {summary ? <CsvSummaryPreview file={summary} /> : null}
      <ThumbnailGallery files={thumbnails} />
      <FileList files={outputs} />
    </div>
  );
}
