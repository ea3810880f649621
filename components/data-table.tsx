import type { ReactNode } from 'react';

/** The bordered, horizontally scrolling table the settings and admin pages share. */
export function DataTable({
  columns,
  children,
  cellClassName = 'px-3 py-2',
  alignTop = false,
  footer,
}: {
  /** Header cells, in order (text, or an element such as a screen-reader-only label). */
  columns: ReactNode[];
  /** The body rows. */
  children: ReactNode;
  cellClassName?: string;
  alignTop?: boolean;
  /** Shown under the table, inside its frame. */
  footer?: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase text-slate-500">
          <tr>
            {columns.map((column, index) => (
              <th key={index} scope="col" className={cellClassName}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={`divide-y divide-slate-200${alignTop ? ' align-top' : ''}`}>
          {children}
        </tbody>
      </table>
      {footer}
    </div>
  );
}
