import type { ReactNode } from 'react';

interface ListTableProps {
  /** Column headings, in order. */
  columns: string[];
  /** A first column before the headings (a "select all" checkbox). */
  leading?: ReactNode;
  /** Whether rows end with an actions cell (its heading is for screen readers only). */
  actions?: boolean;
  children: ReactNode;
}

/**
 * A list as a table. Cells carry `data-label` with their column's heading, which the phone-width
 * layout shows above each value when rows become cards.
 */
export function ListTable({ columns, leading, actions, children }: ListTableProps) {
  return (
    <table className="list">
      <thead>
        <tr>
          {leading ? <th scope="col">{leading}</th> : null}
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
          {actions ? (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
