import { getEnv } from '@/lib/env';
import { ValidationError } from '@/lib/errors';
import { toDisplayName } from '@/lib/files/safe-name';
import { SNIFF_BYTES, sniffType, type SniffedType } from '@/lib/files/sniff-type';
import type { TaskView } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import { getLogger } from '@/lib/logger';
import { requireUser, type Principal } from '@/server/auth/principal';
import type { MultipartFile } from '@/server/http/multipart';
import { getStorage } from '@/server/storage/storage';
import { createInternalTask } from '@/server/tasks/task-submission';
import { taskStoragePrefix } from '@/server/tasks/task-type';
import { fileProcess } from '@/server/tasks/types/file-process';

interface StoredUpload {
  taskId: string;
  key: string;
  name: string;
  declaredType: string;
  size: number;
  sha256: string;
  sniffed: SniffedType;
}

export function uploadKeyFor(taskId: string): string {
  // The user's file name is never part of a path: it is kept for display only.
  return `${taskStoragePrefix(taskId)}/input/original`;
}

/** Streams one file to storage (which hashes it), keeping its first bytes to sniff its type. */
async function storeUpload(file: MultipartFile, maxBytes: number): Promise<StoredUpload> {
  const taskId = uuid7();
  const key = uploadKeyFor(taskId);
  const head: Buffer[] = [];
  let headBytes = 0;
  async function* body(): AsyncGenerator<Uint8Array> {
    for await (const chunk of file.stream as AsyncIterable<Buffer>) {
      if (headBytes < SNIFF_BYTES) {
        head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
        headBytes += Math.min(chunk.length, SNIFF_BYTES - headBytes);
      }
      yield chunk;
    }
  }
  const stored = await getStorage().write(key, body(), { maxBytes });
  return {
    taskId,
    key,
    name: toDisplayName(file.filename),
    declaredType: file.declaredType,
    size: stored.size,
    sha256: stored.sha256,
    sniffed: sniffType(Buffer.concat(head), { complete: stored.size <= SNIFF_BYTES }),
  };
}

async function discardUploads(uploads: StoredUpload[]): Promise<void> {
  await Promise.all(
    uploads.map((upload) =>
      getStorage()
        .deletePrefix(taskStoragePrefix(upload.taskId))
        .catch((error: unknown) =>
          getLogger().error({ err: error, key: upload.key }, 'could not remove an upload'),
        ),
    ),
  );
}

/**
 * Stores every file of an upload request, then creates one `file.process` task per file.
 * All or nothing for the storing: if any file fails (too large, the client went away), every
 * file of the request is removed and no task is created.
 */
export async function uploadFiles(
  principal: Principal,
  files: AsyncIterable<MultipartFile>,
): Promise<TaskView[]> {
  const user = requireUser(principal);
  const env = getEnv();
  const uploads: StoredUpload[] = [];
  let remaining = env.UPLOAD_MAX_BYTES;
  try {
    for await (const file of files) {
      const upload = await storeUpload(file, remaining);
      uploads.push(upload);
      remaining -= upload.size;
    }
  } catch (error) {
    await discardUploads(uploads);
    throw error;
  }
  if (uploads.length === 0) {
    throw new ValidationError('Attach at least one file.', [
      { path: 'file', message: 'No file parts in the multipart body.' },
    ]);
  }
  const tasks: TaskView[] = [];
  for (const [index, upload] of uploads.entries()) {
    try {
      tasks.push(await createFileTask(user.userId, upload));
    } catch (error) {
      await discardUploads(uploads.slice(index));
      throw error;
    }
  }
  return tasks;
}

function createFileTask(ownerId: string, upload: StoredUpload): Promise<TaskView> {
  const { sniffed } = upload;
  return createInternalTask(
    fileProcess.name,
    ownerId,
    {
      file: {
        name: upload.name,
        size: upload.size,
        sha256: upload.sha256,
        type: sniffed.mime,
        kind: sniffed.kind,
        label: sniffed.label,
        declaredType: upload.declaredType,
      },
    },
    {
      id: upload.taskId,
      inputs: [
        {
          kind: 'upload',
          name: upload.name,
          key: upload.key,
          contentType: sniffed.mime,
          size: upload.size,
          sha256: upload.sha256,
          meta: { declaredType: upload.declaredType, label: sniffed.label },
        },
      ],
    },
  );
}
