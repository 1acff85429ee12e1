// The row of buttons the streamer configured (donate, merch, polls…). Links that should open
// elsewhere open in a new tab; the others open in a sandboxed frame over the page.
import { useEffect, useState } from 'preact/hooks';
import type { ExternalAction } from '../api';
import { safeHttpUrl } from '../format';

interface ResolvedAction {
  action: ExternalAction;
  url: string;
  icon: string | null;
}

function resolve(action: ExternalAction, username: string): ResolvedAction | null {
  const url = safeHttpUrl(action.url);
  if (!url || !action.title) return null;
  const target = new URL(url);
  // Tell the action who the viewer is in chat and which server sent them.
  target.searchParams.set('instance', location.href);
  if (username) target.searchParams.set('username', username);
  return { action, url: target.href, icon: safeHttpUrl(action.icon) };
}

/** Only CSS colour literals, so an arbitrary string cannot smuggle other declarations. */
function safeColor(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^(#[0-9a-f]{3,8}|[a-z]+|(rgb|hsl)a?\([\d\s.,%/]+\))$/i.test(value.trim()) ? value.trim() : undefined;
}

export function ExternalActions({ actions, username = '' }: { actions: ExternalAction[]; username?: string }) {
  const [open, setOpen] = useState<ResolvedAction | null>(null);
  const resolved = actions.map((action) => resolve(action, username)).filter((a): a is ResolvedAction => a !== null);
  if (resolved.length === 0) return null;

  return (
    <div id="external-actions-container" class="external-actions">
      {resolved.map((item) => {
        const { action, url, icon } = item;
        const color = safeColor(action.color);
        const content = (
          <>
            {icon && <img class="external-action-icon" src={icon} alt="" />}
            <span class="external-action-title">{action.title}</span>
          </>
        );
        return action.openExternally ? (
          <a
            key={url}
            class="external-action-button"
            href={url}
            target="_blank"
            rel="noopener noreferrer"
            title={action.description || action.title}
            style={color ? { backgroundColor: color } : undefined}
          >
            {content}
          </a>
        ) : (
          <button
            key={url}
            type="button"
            class="external-action-button"
            title={action.description || action.title}
            style={color ? { backgroundColor: color } : undefined}
            onClick={() => setOpen(item)}
          >
            {content}
          </button>
        );
      })}
      {open && <ActionModal item={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function ActionModal({ item, onClose }: { item: ResolvedAction; onClose: () => void }) {
  const [loaded, setLoaded] = useState(false);
  const title = item.action.title || item.action.description || '';
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div id="external-actions-modal" class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="modal" role="dialog" aria-modal="true" aria-label={title}>
        <div class="modal-header">
          <h2 class="modal-title">{title}</h2>
          <button type="button" class="modal-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        {!loaded && <p class="modal-loading">Loading…</p>}
        <iframe
          class="modal-frame"
          src={item.url}
          title={title}
          sandbox="allow-same-origin allow-scripts allow-popups allow-forms"
          onLoad={() => setLoaded(true)}
        />
      </div>
    </div>
  );
}
