import type { PageInfo } from '../api/client';

export function Pagination({ pageInfo, onPage }: { pageInfo: PageInfo; onPage: (page: number) => void }) {
  const { page, totalPages, nextPage, previousPage } = pageInfo;
  if (!nextPage && !previousPage) return null;
  return (
    <nav className="pagination" aria-label="Pages">
      <button
        type="button"
        className="button"
        disabled={!previousPage}
        onClick={() => previousPage && onPage(previousPage)}
      >
        Previous
      </button>
      <span>
        Page {page}
        {totalPages ? ` of ${totalPages}` : ''}
      </span>
      <button
        type="button"
        className="button"
        disabled={!nextPage}
        onClick={() => nextPage && onPage(nextPage)}
      >
        Next
      </button>
    </nav>
  );
}
