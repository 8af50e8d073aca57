import type { ReactNode } from "react";
import { ScrollArea } from "./scroll-area";

/**
 * A page's table in its card: the card scrolls sideways inside itself on a narrow screen
 * (`relative`, so the sr-only labels inside cannot widen the page), a header row of `columns`,
 * and one row saying `empty` across the table when there are no rows. When it scrolls, it says
 * so (ScrollArea).
 */
export function DataTable({ testId, minWidth = "", columns, empty, label = "Table", children }: {
  testId: string;
  /** The table's name, for the scrolling region a keyboard can focus. */
  label?: string;
  /** A min-width class (`min-w-[40rem]`) below which the card scrolls instead of squeezing. */
  minWidth?: string;
  columns: ReactNode[];
  /** Said across the table in place of rows; null when there are rows. */
  empty: string | null;
  children: ReactNode;
}) {
  return (
    <ScrollArea label={label} className="rounded-xl border border-slate-200 bg-white shadow-sm">
      <table className={`w-full ${minWidth} text-left text-sm`} data-testid={testId}>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {columns.map((column, index) => (
              <th key={index} className="px-4 py-3">{column}</th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {empty !== null && (
            <tr>
              <td colSpan={columns.length} className="px-4 py-8 text-center text-slate-600">{empty}</td>
            </tr>
          )}
          {children}
        </tbody>
      </table>
    </ScrollArea>
  );
}
