// Labels for payload keys: schemas made with zod carry no titles, and JSDoc never reaches them.

const WORDS: Record<string, string> = {
  id: 'ID',
  ids: 'IDs',
  url: 'URL',
  uri: 'URI',
  json: 'JSON',
  csv: 'CSV',
  pdf: 'PDF',
  html: 'HTML',
  sha256: 'SHA-256',
  utc: 'UTC',
  ip: 'IP',
};

/** `failAtStep` → "Fail at step", `about_task_id` → "About task ID", `stepMs` → "Step ms". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .filter((word) => word.length > 0)
    .map((word) => WORDS[word.toLowerCase()] ?? word.toLowerCase());
  if (words.length === 0) return key;
  const [first = '', ...rest] = words;
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(' ');
}
