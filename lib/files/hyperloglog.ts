// HyperLogLog distinct-count estimate: 2^12 one-byte registers (4 KiB per column, standard error
// about 1.6 %). Up to EXACT_LIMIT distinct values it keeps the hashes themselves instead, so
// small sets (a status column, a boolean) are counted exactly.
//
// The estimate is Ertl's improved estimator ("New cardinality estimation algorithms for
// HyperLogLog sketches", 2017): its sigma term is the small-range correction (it becomes linear
// counting while most registers are empty) and its tau term the large-range one, so it needs
// neither the classic switch-over thresholds nor HLL++'s empirical bias tables.

export const HLL_PRECISION = 12;
const REGISTERS = 1 << HLL_PRECISION;
/** Hash bits left after the register index; register values run 0..RANK_BITS + 1. */
const RANK_BITS = 32 - HLL_PRECISION;
const ALPHA_INF = 0.5 / Math.LN2;

/** Distinct values counted exactly; past this only the registers are kept. */
const EXACT_LIMIT = 256;

/**
 * MurmurHash3 (x86, 32 bit) of text.slice(start, end), over UTF-16 code units two to a 32-bit
 * block: half the rounds of a per-character hash, which matters at one hash per CSV cell.
 */
export function hashString(text: string, start = 0, end = text.length): number {
  let h = 0x9747b28c;
  let i = start;
  for (; i + 1 < end; i += 2) {
    let k = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < end) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** What a HyperLogLog holds, as plain data that survives postMessage (see fromState). */
export interface HyperLogLogState {
  registers: Uint8Array | null;
  exact: Int32Array | null;
  exactCount: number;
}

export class HyperLogLog {
  /** Made when the exact set overflows: a file with thousands of small columns stays small. */
  private registers: Uint8Array | null = null;
  /** Hashes seen while the set is small (0 marks an empty slot); null once past EXACT_LIMIT. */
  private exact: Int32Array | null = new Int32Array(16);
  private exactCount = 0;

  add(value: string): void {
    this.addHash(hashString(value));
  }

  /** Adds text.slice(start, end) without making that string. */
  addRange(text: string, start: number, end: number): void {
    this.addHash(hashString(text, start, end));
  }

  /** Adds a 32-bit hash (e.g. from hashString). */
  addHash(hash: number): void {
    const table = this.exact;
    if (table !== null) {
      this.addExact(table, hash | 0 || 1);
      return;
    }
    const registers = this.registers as Uint8Array;
    const index = hash >>> RANK_BITS;
    // The low bit below the rank bits caps the rank at RANK_BITS + 1 when they are all zero.
    const rank = Math.clz32((hash << HLL_PRECISION) | (1 << (HLL_PRECISION - 1))) + 1;
    if (rank > registers[index]!) registers[index] = rank;
  }

  static fromState(state: HyperLogLogState): HyperLogLog {
    const hll = new HyperLogLog();
    hll.registers = state.registers;
    hll.exact = state.exact;
    hll.exactCount = state.exactCount;
    return hll;
  }

  toState(): HyperLogLogState {
    return { registers: this.registers, exact: this.exact, exactCount: this.exactCount };
  }

  /**
   * Adds everything `other` has seen: the estimate of the union. Registers are a function of the
   * set of hashes seen, so merging parts gives exactly the registers of one pass over them all.
   */
  merge(from: HyperLogLog | HyperLogLogState): void {
    const other = from instanceof HyperLogLog ? from.toState() : from;
    if (other.exact !== null) {
      for (const key of other.exact) if (key !== 0) this.addHash(key);
      return;
    }
    const registers = this.leaveExactMode();
    const theirs = other.registers as Uint8Array;
    for (let i = 0; i < REGISTERS; i++) {
      if (theirs[i]! > registers[i]!) registers[i] = theirs[i]!;
    }
  }

  estimate(): number {
    if (this.exact !== null) return this.exactCount;
    const counts = new Array<number>(RANK_BITS + 2).fill(0);
    for (const r of this.registers as Uint8Array) counts[r] = (counts[r] ?? 0) + 1;
    let z = REGISTERS * tau(1 - (counts[RANK_BITS + 1] ?? 0) / REGISTERS);
    for (let k = RANK_BITS; k >= 1; k--) z = 0.5 * (z + (counts[k] ?? 0));
    z += REGISTERS * sigma((counts[0] ?? 0) / REGISTERS);
    return Math.round((ALPHA_INF * REGISTERS * REGISTERS) / z);
  }

  // While exact, there are no registers (the table holds the hashes to fill them from): one
  // probe per value, and a table that grows with the set.
  private addExact(table: Int32Array, key: number): void {
    const mask = table.length - 1;
    let slot = key & mask;
    for (;;) {
      const seen = table[slot];
      if (seen === key) return;
      if (seen === 0) break;
      slot = (slot + 1) & mask;
    }
    if (this.exactCount === EXACT_LIMIT) {
      this.leaveExactMode();
      this.addHash(key);
      return;
    }
    table[slot] = key;
    this.exactCount++;
    // Kept at most half full.
    if (this.exactCount * 2 > table.length) this.exact = rehash(table, table.length * 2);
  }

  /** Switches to registers (filled from the exact set) and returns them. */
  private leaveExactMode(): Uint8Array {
    const table = this.exact;
    if (table === null) return this.registers as Uint8Array;
    this.exact = null;
    this.registers = new Uint8Array(REGISTERS);
    for (const key of table) if (key !== 0) this.addHash(key);
    return this.registers;
  }
}

function rehash(table: Int32Array, size: number): Int32Array {
  const bigger = new Int32Array(size);
  const mask = size - 1;
  for (const key of table) {
    if (key === 0) continue;
    let slot = key & mask;
    while (bigger[slot] !== 0) slot = (slot + 1) & mask;
    bigger[slot] = key;
  }
  return bigger;
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === previous) return z / 3;
  }
}
