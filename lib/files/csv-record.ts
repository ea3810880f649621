// The shape records are handed over in. The parser reuses one view for every record and
// describes fields as offsets into a text instead of slicing them: a profile that only looks
// at char codes then allocates nothing per cell, which at millions of cells is most of the win.

export interface CsvProblem {
  /** 1-based physical line the record starts on. */
  line: number;
  message: string;
}

export class CsvRecordView {
  /** Field k is text.slice(starts[k], ends[k]), for k < count. */
  text = '';
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  count = 0;
  /** 1-based physical line the record starts on. */
  line = 0;
  /** The record had a quote character, so its fields may hold delimiters, quotes or line ends. */
  quoted = false;
  /**
   * The record's raw text, rawText.slice(rawStart, rawEnd) (line end excluded), when it is
   * already in canonical form once each delimiter is read as ',': fields quoted only where
   * RFC 4180 requires it, nothing to unescape. rawEnd is -1 otherwise. A consumer writing the
   * fields back unchanged can then copy the text, and runs of records with one slice.
   */
  rawText = '';
  rawStart = 0;
  rawEnd = -1;
  /** Some quoted field holds a line end. */
  multiline = false;

  field(k: number): string {
    return this.text.slice(this.starts[k], this.ends[k]);
  }

  toArray(): string[] {
    const fields = new Array<string>(this.count);
    for (let k = 0; k < this.count; k++) fields[k] = this.field(k);
    return fields;
  }

  /** Doubles the room for fields (the parser calls this when a record has more). */
  grow(): void {
    const starts = new Int32Array(this.starts.length * 2);
    const ends = new Int32Array(this.ends.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}

export interface CsvRecordSink {
  /** One record; the view is reused for the next one, so copy what you keep. */
  onRecord(record: CsvRecordView): void;
  /** A problem with the record starting on `line`; `dropped` when the record was skipped. */
  onProblem(line: number, message: string, dropped: boolean): void;
}
