import { useEffect, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';

export interface SortOption {
  value: string;
  label: string;
}

/** A sort the list's API does: its `order_by` and `sort` parameters. */
export interface ApiSortOption extends SortOption {
  order_by: string;
  sort: 'asc' | 'desc';
}

/**
 * A list's search, sort, filter and page, kept in the URL's query so that a copied URL (or a
 * reload) shows the same view. Values outside `sortOptions` fall back to the first.
 */
export function useListParams<Option extends SortOption>(sortOptions: Option[]) {
  const [params, setParams] = useSearchParams();
  const order = sortOptions.find((option) => option.value === params.get('sort')) ?? sortOptions[0]!;
  const sort = order.value;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of Object.entries(changes)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        // A new search, sort or filter starts again at the first page.
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  return { search: params.get('search') ?? '', sort, order, page, params, update };
}

interface ListControlsProps {
  searchLabel: string;
  search: string;
  sort: string;
  sortOptions: SortOption[];
  onChange: (changes: Record<string, string | undefined>) => void;
  children?: ReactNode;
}

/** The search box and sort menu above a list (filters go in `children`). */
export function ListControls({
  searchLabel,
  search,
  sort,
  sortOptions,
  onChange,
  children,
}: ListControlsProps) {
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);
  return (
    <form
      className="list-controls"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        onChange({ search: text.trim() || undefined });
      }}
    >
      <label>
        <span className="visually-hidden">{searchLabel}</span>
        <input
          type="search"
          placeholder={searchLabel}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      <button type="submit" className="button">
        Search
      </button>
      {children}
      <label>
        <span>Sort by</span>
        <select value={sort} onChange={(event) => onChange({ sort: event.target.value })}>
          {sortOptions.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
