// RFC 4180 output: quote a field only when it needs it; CRLF line ends.

export type CsvValue = string | number | boolean | null | undefined;

function formatField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatCsvLine(values: readonly CsvValue[]): string {
  return `${values.map(formatField).join(',')}\r\n`;
}
