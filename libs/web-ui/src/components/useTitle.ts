import { useEffect } from 'react';

/** The tab's title: the page's own, then the site. */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Stowage`;
  }, [title]);
}
