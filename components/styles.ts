// Class lists shared by forms, on the server and in the browser.

export const inputClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500';

export const primaryButtonClass =
  'rounded-md bg-blue-600 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-700 disabled:cursor-not-allowed disabled:opacity-60';

export const cardClass = 'rounded-lg border border-slate-200 bg-white shadow-sm';

/**
 * A table's frame: it scrolls sideways inside itself, so the page stays as wide as the screen.
 * Positioned, so that the table's sr-only labels (absolute) are clipped by it too rather than
 * widening the document.
 */
export const tableFrameClass =
  'relative max-w-full overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm';

/** Long tokens (hashes, ids, URLs, keys) wrap anywhere rather than widening the page. */
export const longTokenClass = 'break-all';
