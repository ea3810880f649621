import { parentPort } from 'node:worker_threads';
import { type CsvBatchJob, profileCsvBatch } from '@/lib/files/csv-profile-part';

// Entry point of a CSV profiling thread (csv-thread-pool.ts): profiles one batch per message and
// hands the input back with the result, both transferred, so nothing is copied either way.

interface ThreadJob {
  id: number;
  job: CsvBatchJob;
}

parentPort?.on('message', ({ id, job }: ThreadJob) => {
  try {
    const result = profileCsvBatch(job);
    parentPort?.postMessage({ id, result, bytes: job.bytes }, [
      result.cleaned.buffer as ArrayBuffer,
      job.bytes.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    parentPort?.postMessage({ id, error, bytes: job.bytes }, [job.bytes.buffer as ArrayBuffer]);
  }
});
