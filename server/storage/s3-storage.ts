import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { limitBytes, measureBytes } from './byte-transforms';
import type { Storage, StoredObject } from './storage';
import { toStorageError } from './s3-errors';
import { assertSafeKey, checkRange } from './storage-keys';

// Loaded only when STORAGE_DRIVER=s3 (storage.ts imports this module lazily): the AWS SDK is
// large, and a process on local disk never needs it.

export interface S3StorageConfig {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** 8 MiB parts, two in flight: at most ~16 MiB of a write is in memory, however large the file. */
export const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;
/** DeleteObjects takes at most this many keys a call (and ListObjectsV2 returns as many a page). */
const DELETE_BATCH = 1_000;

export interface S3Storage extends Storage {
  /** Ends the client's sockets; the storage is unusable after. */
  close(): void;
}

export function createS3Client(config: S3StorageConfig): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // The SDK's default adds CRC32 checksums as aws-chunked trailers, which many S3-compatible
    // stores do not understand; we hash every object ourselves (sha256) anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Two tries: an outage should become a 503 in seconds, not after the default backoff.
    maxAttempts: 2,
  });
}

export function createS3Storage(
  config: S3StorageConfig,
  client = createS3Client(config),
): S3Storage {
  const Bucket = config.bucket;

  async function send<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toStorageError(error);
    }
  }

  async function write(
    key: string,
    body: Parameters<Storage['write']>[1],
    options: Parameters<Storage['write']>[2] = {},
  ): Promise<StoredObject> {
    assertSafeKey(key);
    const hash = createHash('sha256');
    const measure = measureBytes(hash);
    // Bytes flow source → limit → hash → the upload's parts; the upload reads as it sends.
    const feed = new PassThrough({ highWaterMark: 1024 * 1024 });
    const upload = new Upload({
      client,
      params: { Bucket, Key: key, Body: feed },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      // On any failure the multipart upload is aborted before done() rejects: no parts stay.
      leavePartsOnError: false,
    });
    const stages = [
      Readable.from(body),
      ...(options.maxBytes ? [limitBytes(options.maxBytes)] : []),
    ];
    // Whichever side fails first stops the other: a failed source fails the upload's read (so
    // it aborts its multipart upload), a failed upload stops reading the source.
    const stopSource = new AbortController();
    let sourceFailed = false;
    const source = pipeline([...stages, measure, feed], { signal: stopSource.signal }).catch(
      (error: unknown) => {
        sourceFailed = !stopSource.signal.aborted;
        feed.destroy(error as Error);
        throw error;
      },
    );
    const uploading = upload.done().catch((error: unknown) => {
      stopSource.abort();
      throw error;
    });
    const [sourced, uploaded] = await Promise.allSettled([source, uploading]);
    // The source's error (a client gone, too large) explains the upload's failure: report it.
    if (sourced.status === 'rejected' && sourceFailed) throw sourced.reason;
    if (uploaded.status === 'rejected') throw toStorageError(uploaded.reason);
    if (sourced.status === 'rejected') throw sourced.reason;
    return { key, size: measure.bytes, sha256: hash.digest('hex') };
  }

  async function deleteBatch(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const result = await send(() =>
      client.send(
        new DeleteObjectsCommand({
          Bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      ),
    );
    const failed = result.Errors ?? [];
    if (failed.length > 0) {
      throw new Error(`Could not delete ${failed.length} objects: ${failed[0]?.Code ?? 'unknown'}`);
    }
  }

  return {
    write,

    async read(key, options = {}) {
      assertSafeKey(key);
      if (options.range) {
        // The range needs the size to be cut to it (as the local driver does).
        const head = await send(() => client.send(new HeadObjectCommand({ Bucket, Key: key })));
        const size = head.ContentLength ?? 0;
        const range = checkRange(options.range, size);
        const got = await send(() =>
          client.send(
            new GetObjectCommand({ Bucket, Key: key, Range: `bytes=${range.start}-${range.end}` }),
          ),
        );
        return { stream: got.Body as Readable, size };
      }
      const got = await send(() => client.send(new GetObjectCommand({ Bucket, Key: key })));
      return { stream: got.Body as Readable, size: got.ContentLength ?? 0 };
    },

    async exists(key) {
      assertSafeKey(key);
      try {
        await send(() => client.send(new HeadObjectCommand({ Bucket, Key: key })));
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'NotFoundError') return false;
        throw error;
      }
    },

    async delete(key) {
      assertSafeKey(key);
      await send(() => client.send(new DeleteObjectCommand({ Bucket, Key: key })));
    },

    async deletePrefix(prefix) {
      const Prefix = `${assertSafeKey(prefix)}/`;
      let ContinuationToken: string | undefined;
      do {
        const page = await send(() =>
          client.send(
            new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken, MaxKeys: DELETE_BATCH }),
          ),
        );
        const keys = (page.Contents ?? []).flatMap((entry) => (entry.Key ? [entry.Key] : []));
        for (let at = 0; at < keys.length; at += DELETE_BATCH) {
          await deleteBatch(keys.slice(at, at + DELETE_BATCH));
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },

    async deleteStalePartials(before) {
      // A process killed mid-write leaves an unfinished multipart upload (its parts cost
      // storage but no object exists): abort those older than the cut-off.
      let removed = 0;
      let KeyMarker: string | undefined;
      let UploadIdMarker: string | undefined;
      do {
        const page = await send(() =>
          client.send(new ListMultipartUploadsCommand({ Bucket, KeyMarker, UploadIdMarker })),
        );
        for (const upload of page.Uploads ?? []) {
          if (!upload.Key || !upload.UploadId || !upload.Initiated) continue;
          if (upload.Initiated >= before) continue;
          await send(() =>
            client.send(
              new AbortMultipartUploadCommand({
                Bucket,
                Key: upload.Key,
                UploadId: upload.UploadId,
              }),
            ),
          );
          removed += 1;
        }
        const more = page.IsTruncated === true;
        KeyMarker = more ? page.NextKeyMarker : undefined;
        UploadIdMarker = more ? page.NextUploadIdMarker : undefined;
      } while (KeyMarker);
      return removed;
    },

    close() {
      client.destroy();
    },
  };
}
