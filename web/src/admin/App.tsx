// The admin shell: menu, header and the page for the current URL.

import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBanner, Loading, PageHeading } from './components/bits';
import { Header } from './layout/Header';
import { Sidebar } from './layout/Sidebar';
import { LEGACY_REDIRECTS, interceptLinkClicks, navigate, normalizePath, usePath } from './router';
import { ROUTES } from './routes';
import { AdminProvider, useAdmin } from './state';

function NotFound() {
  return (
    <>
      <PageHeading title="Page not found" />
      <div class="card">
        <p>There is no admin page at this address.</p>
        <p>
          <a href="/admin/">Go to the admin home page</a>
        </p>
      </div>
    </>
  );
}

function Shell({ version }: { version: string }) {
  const path = usePath();
  const { config, configError, status } = useAdmin();
  const [menuOpen, setMenuOpen] = useState(false);
  const first = useRef(true);
  const route = ROUTES.find((candidate) => normalizePath(candidate.path) === path);

  useEffect(() => {
    const legacy = LEGACY_REDIRECTS[path];
    if (legacy) navigate(legacy, { replace: true });
  }, [path]);

  useEffect(() => {
    const name = config?.instanceDetails.name || 'Ownstream';
    document.title = `${route?.title ?? 'Page not found'} · ${name} admin`;
  }, [route, config?.instanceDetails.name]);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // After navigating inside the app, take keyboard and screen-reader users to the new page's heading.
    window.scrollTo(0, 0);
    document.getElementById('page-title')?.focus();
  }, [path]);

  const Page = route?.component ?? NotFound;
  const root = document.documentElement;
  root.classList.toggle('stream-online', status?.online === true);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <div class="admin-layout">
        <Sidebar
          path={path}
          open={menuOpen}
          onClose={() => setMenuOpen(false)}
          serverName={config?.instanceDetails.name ?? ''}
          version={version}
          visible={() => true}
        />
        <div class="admin-column">
          <Header menuOpen={menuOpen} onMenu={() => setMenuOpen(!menuOpen)} />
          <main id="main" tabIndex={-1} class="admin-main">
            <ErrorBanner message={configError} />
            {config ? <Page key={path} /> : !configError && <Loading what="the settings" />}
          </main>
        </div>
      </div>
    </>
  );
}

export function AdminApp({ version }: { version: string }) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => (root.current ? interceptLinkClicks(root.current) : undefined), []);
  return (
    <div ref={root} class="admin-root">
      <AdminProvider>
        <Shell version={version} />
      </AdminProvider>
    </div>
  );
}
