import type { ReactNode } from 'react';
import { tableFrameClass } from './styles';

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
    // Focusable, so that keyboard users can scroll a table wider than a phone (axe:
    // scrollable-region-focusable); the page itself never grows wider than the screen.
    <div tabIndex={0} className={tableFrameClass}>
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
