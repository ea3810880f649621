import { RangeNotSatisfiableError } from '@/lib/errors';
import type { ByteRange } from '@/server/storage/storage-keys';
import type { FileVersion, RangeChooser } from '@/server/tasks/task-service';
import { parseRangeHeader, resolveRange } from './byte-range';

// Validators and the conditional half of a ranged download (RFC 9110 §8.8, §13.1.5). A stored
// file never changes once written (a new output is a new row with a new id), so its id, with
// the digest when there is one, is a strong validator; its creation time is its Last-Modified.

/** A strong ETag, or null for a file we know nothing stable about. */
export function etagOf(version: FileVersion): string | null {
  if (!version.id) return null;
  return version.sha256 ? `"${version.id}-${version.sha256}"` : `"${version.id}"`;
}

export function lastModifiedOf(version: FileVersion): string | null {
  return version.modifiedAt ? version.modifiedAt.toUTCString() : null;
}

// The IMF-fixdate form we send (Date#toUTCString); a looser date is no proof of the same version.
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Whether an If-Range names the version we hold: the same strong ETag (a weak one never
 * matches), or exactly our Last-Modified date, as §13.1.5 requires (not a later one).
 */
export function ifRangeMatches(ifRange: string, version: FileVersion): boolean {
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etagOf(version);
  const modified = lastModifiedOf(version);
  return modified !== null && IMF_FIXDATE.test(value) && value === modified;
}

/**
 * What a download request asks for, given the file once it is found: the one range to read, or
 * null for the whole file. Throws RangeNotSatisfiableError (416) for a range past the end; a
 * Range under a stale If-Range, or one we ignore (see parseRangeHeader), gets the whole file.
 */
export function rangeChooser(headers: Headers): RangeChooser {
  const spec = parseRangeHeader(headers.get('range'));
  const ifRange = headers.get('if-range');
  return ({ size, version }): ByteRange | null => {
    if (!spec) return null;
    if (ifRange !== null && !ifRangeMatches(ifRange, version)) return null;
    const range = resolveRange(spec, size);
    if (!range) throw new RangeNotSatisfiableError(size);
    return range;
  };
}
