// The menu: Owncast's sections and order (reference §2.2). On phones it is a drawer opened from the
// header's Menu button; Escape or choosing a page closes it.

import { useEffect, useRef } from 'preact/hooks';
import { Icon } from '../components/icons';
import { NAV_GROUPS, type RouteDef } from '../routes';
import { normalizePath } from '../router';

export function Sidebar({
  path,
  open,
  onClose,
  serverName,
  version,
  visible,
}: {
  path: string;
  open: boolean;
  onClose: () => void;
  serverName: string;
  version: string;
  visible: (route: RouteDef) => boolean;
}) {
  const nav = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!open) return;
    nav.current?.querySelector<HTMLElement>('a[aria-current="page"], a')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <>
      <div class={`sidebar-backdrop${open ? ' open' : ''}`} onClick={onClose} aria-hidden="true" />
      <nav id="admin-menu" class={`sidebar${open ? ' open' : ''}`} aria-label="Admin menu" ref={nav}>
        <div class="brand">
          <img src="/logo" alt="" class="brand-logo" width={36} height={36} />
          <div class="brand-text">
            <span class="brand-name">{serverName || 'Ownstream'}</span>
            <span class="brand-sub">Admin</span>
          </div>
        </div>
        <div class="nav-scroll">
          {NAV_GROUPS.map((group) => {
            const routes = group.routes.filter(visible);
            if (!routes.length) return null;
            return (
              <div class="nav-group" key={group.title || routes[0].path}>
                {group.title && <p class="nav-group-title">{group.title}</p>}
                <ul>
                  {routes.map((route) => {
                    const current = normalizePath(route.path) === path;
                    return (
                      <li key={route.path}>
                        <a
                          href={route.path}
                          class={`nav-link${current ? ' current' : ''}`}
                          aria-current={current ? 'page' : undefined}
                          onClick={onClose}
                        >
                          <Icon name={route.icon} />
                          {route.nav}
                        </a>
                      </li>
                    );
                  })}
                </ul>
              </div>
            );
          })}
          <div class="sidebar-foot">
            <a href="/" target="_blank" rel="noopener" class="nav-link">
              <Icon name="external" />
              View your page<span class="visually-hidden"> (opens in a new tab)</span>
            </a>
            <p class="version">{version}</p>
          </div>
        </div>
      </nav>
    </>
  );
}
