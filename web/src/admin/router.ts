// Client-side routing for /admin/…: the page URLs are Owncast's (reference §2.2), so bookmarks and
// docs written for Owncast keep working. The server answers every known URL with this app and
// redirects the 0.0.11 URLs; `LEGACY_REDIRECTS` repeats that here for links followed inside the app.

import { useEffect, useState } from 'preact/hooks';

const NAVIGATED = 'ownstream-admin-navigated';

export const LEGACY_REDIRECTS: Record<string, string> = {
  '/admin/config-public-details': '/admin/config/general/',
  '/admin/config-server-details': '/admin/config/server/',
  '/admin/config-storage': '/admin/config/storage/',
  '/admin/upgrade': '/admin/help/',
};

/** `/admin/chat/users/` and `/admin/chat/users` are the same page. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

export function currentPath(): string {
  return normalizePath(location.pathname);
}

export function navigate(href: string, { replace = false } = {}): void {
  const url = new URL(href, location.href);
  const target = LEGACY_REDIRECTS[normalizePath(url.pathname)] ?? url.pathname + url.search + url.hash;
  if (replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The normalized path, updated on navigation and the browser's back/forward buttons. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return path;
}

/** Handles clicks on same-origin /admin links without a page load (modified clicks keep the browser's way). */
export function interceptLinkClicks(root: HTMLElement): () => void {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target === '_blank' || anchor.hasAttribute('download')) return;
    const href = anchor.getAttribute('href');
    if (!href) return;
    const url = new URL(href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/admin/')) return;
    if (url.pathname.startsWith('/admin/assets/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  };
  root.addEventListener('click', onClick);
  return () => root.removeEventListener('click', onClick);
}
