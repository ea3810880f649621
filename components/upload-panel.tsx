'use client';

import { useRef, useState, type DragEvent } from 'react';
import type { TaskView } from '@/lib/tasks/task-view';
import { formatBytes } from '@/lib/format-bytes';
import { useToast } from './toast/toast-provider';

interface UploadItem {
  id: string;
  name: string;
  size: number;
  sent: number;
  state: 'uploading' | 'done' | 'failed';
  error?: string;
  taskId?: string;
}

interface Problem {
  detail?: string;
  title?: string;
}

/** One file, one request: a failing file never takes the others down with it. */
function sendFile(file: File, onProgress: (sent: number) => void): Promise<TaskView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/files');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      const body = xhr.response as { tasks?: TaskView[] } & Problem;
      const task = body?.tasks?.[0];
      if (xhr.status === 201 && task) resolve(task);
      else reject(new Error(body?.detail ?? body?.title ?? `Upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error('The connection was lost during the upload.'));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

export function UploadPanel({
  maxBytes,
  onCreated,
}: {
  maxBytes: number;
  onCreated: (task: TaskView) => void;
}) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  // Uploads are not server actions (the file goes to /api/v1/files), so they toast here.
  const showToast = useToast();

  function update(id: string, change: Partial<UploadItem>) {
    setItems((current) => current.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }

  function upload(files: FileList | File[]) {
    for (const file of Array.from(files)) {
      const id = crypto.randomUUID();
      const item: UploadItem = {
        id,
        name: file.name,
        size: file.size,
        sent: 0,
        state: 'uploading',
      };
      if (file.size > maxBytes) {
        item.state = 'failed';
        item.error = `Larger than the limit of ${formatBytes(maxBytes)}.`;
        setItems((current) => [item, ...current]);
        continue;
      }
      setItems((current) => [item, ...current]);
      sendFile(file, (sent) => update(id, { sent }))
        .then((task) => {
          update(id, { state: 'done', sent: file.size, taskId: task.id });
          onCreated(task);
          showToast({ message: `${file.name} uploaded`, href: `/tasks/${task.id}` });
        })
        .catch((error: unknown) =>
          update(id, {
            state: 'failed',
            error: error instanceof Error ? error.message : 'Upload failed.',
          }),
        );
    }
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length > 0) upload(event.dataTransfer.files);
  }

  return (
    <div>
      <div
        data-testid="upload-dropzone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`rounded-lg border-2 border-dashed p-5 text-center text-sm transition-colors ${
          dragging ? 'border-blue-500 bg-blue-50' : 'border-slate-300 bg-white'
        }`}
      >
        <p className="font-medium">Drop files here</p>
        <p className="mt-1 text-slate-500">
          CSV files are profiled and cleaned, images get thumbnails; anything else is checksummed.
          Up to {formatBytes(maxBytes)}.
        </p>
        {/* The input itself is hidden: its focus shows on the label, for keyboard users. */}
        <label className="mt-3 inline-block cursor-pointer rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50 focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-blue-600">
          Choose files
          <input
            ref={inputRef}
            type="file"
            multiple
            className="sr-only"
            onChange={(event) => {
              if (event.target.files) upload(event.target.files);
              if (inputRef.current) inputRef.current.value = '';
            }}
          />
        </label>
      </div>
      {items.length > 0 ? (
        <ul className="mt-3 space-y-2 text-sm" aria-label="Uploads">
          {items.map((item) => (
            <li key={item.id} data-testid="upload-item" data-state={item.state}>
              <div className="flex justify-between gap-2">
                <span className="truncate" title={item.name}>
                  {item.name}
                </span>
                <span className="shrink-0 tabular-nums text-slate-500">
                  {item.state === 'uploading'
                    ? `${Math.floor((item.sent / Math.max(1, item.size)) * 100)}%`
                    : item.state === 'done'
                      ? 'Uploaded'
                      : 'Failed'}
                </span>
              </div>
              {item.state === 'uploading' ? (
                <progress
                  className="h-1.5 w-full"
                  max={Math.max(1, item.size)}
                  value={item.sent}
                  aria-label={`Uploading ${item.name}`}
                />
              ) : null}
              {item.error ? (
                <p role="alert" className="text-red-700">
                  {item.error}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
