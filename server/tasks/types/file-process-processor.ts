import { PermanentTaskError } from '@/lib/errors';
import { formatBytes } from '@/lib/format-bytes';
import { processCsvFile } from '@/server/files/csv-processing';
import { digestFile } from '@/server/files/file-digest';
import { findInputFile } from '@/server/files/task-files';
import { taskOutputPrefix, type TaskContext, type TaskOutput } from '../task-type';
import type { FileProcessPayload } from './file-process';

/** Encoded size; 50 megapixels is the decoded limit (server/files/image-processing.ts). */
const MAX_IMAGE_FILE_BYTES = 100 * 1024 * 1024;

export async function processTask(context: TaskContext<FileProcessPayload>): Promise<TaskOutput> {
  const { payload, taskId, storage, signal, reportProgress, log } = context;
  const { file } = payload;
  const input = await findInputFile(taskId);
  const outputPrefix = taskOutputPrefix(taskId);
  log(`Detected ${file.label} (${file.type}); ${file.size} bytes.`);
  if (file.declaredType && file.declaredType !== 'application/octet-stream') {
    const declared = file.declaredType.split(';')[0]?.trim();
    if (declared && declared !== file.type.split(';')[0]?.trim()) {
      log(`The upload was labelled ${declared}; its content says ${file.type}.`, 'warn');
    }
  }

  if (file.kind === 'csv') {
    return processCsvFile({ ...context, input, outputPrefix, displayName: file.name });
  }
  if (file.kind === 'image') {
    // sharp reads the whole encoded file into memory; keep that bounded.
    if (file.size > MAX_IMAGE_FILE_BYTES) {
      throw new PermanentTaskError(
        'image_too_large',
        `The image file is ${formatBytes(file.size)}; images up to ${formatBytes(MAX_IMAGE_FILE_BYTES)} are processed.`,
      );
    }
    // Loaded on first use: sharp and libvips cost a worker that never sees an image ~25 MB.
    const { processImage } = await import('@/server/files/image-processing');
    const { summary, files } = await processImage({
      storage,
      inputKey: input.storageKey,
      outputPrefix,
      displayName: file.name,
      signal,
      onProgress: (fraction, message) => {
        reportProgress(fraction * 100, message);
        log(message);
      },
    });
    return { result: { kind: 'image', detected: file.label, image: summary }, files };
  }
  if (file.size === 0) {
    log('The file is empty: nothing to process.', 'warn');
    return {
      result: { kind: 'empty', detected: file.label, size: 0, sha256: file.sha256 },
    };
  }
  reportProgress(0, `Hashing ${file.label}`);
  const digest = await digestFile({
    storage,
    key: input.storageKey,
    expectedSha256: file.sha256,
    signal,
    onProgress: (read, total) =>
      reportProgress((read / Math.max(1, total)) * 100, `Hashed ${read} of ${total} bytes`),
  });
  log(`SHA-256 ${digest.sha256} verified.`);
  return {
    result: {
      kind: file.kind,
      detected: file.label,
      type: file.type,
      size: digest.size,
      sha256: digest.sha256,
    },
  };
}
