import { HyperLogLog, type HyperLogLogState } from './hyperloglog';
import { parseIsoDate } from './csv-date';
import { DECIMAL_TEXT, isBooleanText, isNullText, NOT_NUMERIC, scanNumber } from './csv-value';

// Running statistics for one CSV column. A column starts out as possibly every type and loses a
// candidate at the first value that does not fit it; checks for lost candidates stop, so a text
// column costs little more than its length and distinct count.

export type CsvColumnType = 'empty' | 'integer' | 'number' | 'boolean' | 'date' | 'string';

export interface CsvColumnSummary {
  name: string;
  /** The narrowest type every non-null value fits; 'empty' when all values are null. */
  inferredType: CsvColumnType;
  nonNull: number;
  nulls: number;
  distinctEstimate: number;
  /** Numbers for integer and number columns, ISO text for date columns, otherwise null. */
  min: number | string | null;
  max: number | string | null;
  /** Integer and number columns only. */
  mean: number | null;
  /** Length in UTF-16 code units of the non-null (trimmed) values. */
  minLength: number | null;
  maxLength: number | null;
}

/** A ColumnStats as plain data, to hand a part's statistics across threads (see merge). */
export interface ColumnState {
  name: string;
  nulls: number;
  nonNull: number;
  possible: number;
  numberMin: number;
  numberMax: number;
  numberSum: number;
  dateMin: string;
  dateMax: string;
  dateMinKey: number;
  dateMaxKey: number;
  minLength: number;
  maxLength: number;
  distinct: HyperLogLogState;
}

const INTEGER = 1;
const NUMBER = 2;
const BOOLEAN = 4;
const DATE = 8;

export class ColumnStats {
  nulls = 0;
  nonNull = 0;
  private possible = INTEGER | NUMBER | BOOLEAN | DATE;
  private readonly scanned = { value: 0 };
  private numberMin = Infinity;
  private numberMax = -Infinity;
  private numberSum = 0;
  // Dates compare by instant (zone offsets applied); the summary shows the values as written.
  private dateMin = '';
  private dateMax = '';
  private dateMinKey = Infinity;
  private dateMaxKey = -Infinity;
  private minLength = Infinity;
  private maxLength = 0;
  private readonly distinct = new HyperLogLog();

  constructor(readonly name: string) {}

  /** Counts one trimmed value, text.slice(start, end). */
  add(text: string, start: number, end: number): void {
    if (isNullText(text, start, end)) {
      this.nulls++;
      return;
    }
    this.nonNull++;
    const length = end - start;
    if (length < this.minLength) this.minLength = length;
    if (length > this.maxLength) this.maxLength = length;
    this.distinct.addRange(text, start, end);
    const possible = this.possible;
    if (possible === 0) return;
    if ((possible & NUMBER) !== 0) this.addNumber(text, start, end);
    if ((possible & BOOLEAN) !== 0 && !isBooleanText(text, start, end)) this.possible &= ~BOOLEAN;
    if ((possible & DATE) !== 0) this.addDate(text, start, end);
  }

  toState(): ColumnState {
    return {
      name: this.name,
      nulls: this.nulls,
      nonNull: this.nonNull,
      possible: this.possible,
      numberMin: this.numberMin,
      numberMax: this.numberMax,
      numberSum: this.numberSum,
      dateMin: this.dateMin,
      dateMax: this.dateMax,
      dateMinKey: this.dateMinKey,
      dateMaxKey: this.dateMaxKey,
      minLength: this.minLength,
      maxLength: this.maxLength,
      distinct: this.distinct.toState(),
    };
  }

  /**
   * Adds the statistics of the values that follow this column's in the file. Ties keep the
   * earlier value, as one pass does. Only the mean can differ from one pass, in its last bits:
   * the sum is added up in another order.
   */
  merge(later: ColumnState): void {
    this.nulls += later.nulls;
    this.nonNull += later.nonNull;
    this.possible &= later.possible;
    if (later.numberMin < this.numberMin) this.numberMin = later.numberMin;
    if (later.numberMax > this.numberMax) this.numberMax = later.numberMax;
    this.numberSum += later.numberSum;
    if (later.dateMinKey < this.dateMinKey) {
      this.dateMinKey = later.dateMinKey;
      this.dateMin = later.dateMin;
    }
    if (later.dateMaxKey > this.dateMaxKey) {
      this.dateMaxKey = later.dateMaxKey;
      this.dateMax = later.dateMax;
    }
    if (later.minLength < this.minLength) this.minLength = later.minLength;
    if (later.maxLength > this.maxLength) this.maxLength = later.maxLength;
    this.distinct.merge(later.distinct);
  }

  summarize(): CsvColumnSummary {
    const type = this.inferType();
    const numeric = type === 'integer' || type === 'number';
    const hasValues = this.nonNull > 0;
    return {
      name: this.name,
      inferredType: type,
      nonNull: this.nonNull,
      nulls: this.nulls,
      distinctEstimate: this.distinct.estimate(),
      min: numeric ? this.numberMin : type === 'date' ? this.dateMin : null,
      max: numeric ? this.numberMax : type === 'date' ? this.dateMax : null,
      mean: numeric ? this.numberSum / this.nonNull : null,
      minLength: hasValues ? this.minLength : null,
      maxLength: hasValues ? this.maxLength : null,
    };
  }

  private inferType(): CsvColumnType {
    const possible = this.possible;
    if (this.nonNull === 0) return 'empty';
    if ((possible & INTEGER) !== 0) return 'integer';
    if ((possible & NUMBER) !== 0) return 'number';
    if ((possible & BOOLEAN) !== 0) return 'boolean';
    if ((possible & DATE) !== 0) return 'date';
    return 'string';
  }

  private addNumber(text: string, start: number, end: number): void {
    const kind = scanNumber(text, start, end, this.scanned);
    if (kind === NOT_NUMERIC) {
      this.possible &= ~(INTEGER | NUMBER);
      return;
    }
    if (kind === DECIMAL_TEXT) this.possible &= ~INTEGER;
    const n = this.scanned.value;
    if (n < this.numberMin) this.numberMin = n;
    if (n > this.numberMax) this.numberMax = n;
    this.numberSum += n;
  }

  private addDate(text: string, start: number, end: number): void {
    const key = parseIsoDate(text, start, end);
    if (Number.isNaN(key)) {
      this.possible &= ~DATE;
      return;
    }
    if (key < this.dateMinKey) {
      this.dateMinKey = key;
      this.dateMin = text.slice(start, end);
    }
    if (key > this.dateMaxKey) {
      this.dateMaxKey = key;
      this.dateMax = text.slice(start, end);
    }
  }
}
