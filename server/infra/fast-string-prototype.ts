/**
 * ioredis declares `class VerbatimString extends String` and, unless Redis sends a RESP3
 * verbatim string, never makes one. Declaring the subclass turns V8's String.prototype into a
 * slow (dictionary-mode) object, and it stays so until something is created with it as a
 * prototype: every method call on every string in the process (charCodeAt, slice, indexOf…)
 * then goes the slow way. Measured here: the CSV profiler ran 2.5 times slower in any process
 * that had loaded ioredis (30 instead of 80 MiB/s).
 *
 * The first property store on an object whose prototype is String.prototype makes V8 optimise
 * that prototype again (fast mode), which is all this does. Call it after ioredis has loaded.
 */
export function restoreFastStringPrototype(): void {
  const user = Object.create(String.prototype) as { touched?: boolean };
  user.touched = true;
}
