// The row of buttons the streamer configured (donate, merch, polls…), and Follow when federation is
// on. Links that should open elsewhere open in a new tab; the others open in a sandboxed frame over the
// page. A button drawn in the admin's colour gets whichever text colour reads best on it.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ExternalAction } from '../api';
import { safeHttpUrl } from '../format';
import { parseCssColor, readableTextOn } from './contrast';
import { Modal } from '../Modal';

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

/** Background and a readable text colour for an action drawn in `color`. */
export function actionColors(color: string | undefined): { backgroundColor: string; color: string } | undefined {
  const background = safeColor(color);
  const rgb = background ? parseCssColor(background) : null;
  if (!background || !rgb) return undefined;
  return { backgroundColor: background, color: readableTextOn(rgb) };
}

export interface ExternalActionsProps {
  actions: ExternalAction[];
  username?: string;
  /** Drawn first in the row (the Follow button). */
  leading?: ComponentChildren;
}

export function ExternalActions({ actions, username = '', leading }: ExternalActionsProps) {
  const [open, setOpen] = useState<ResolvedAction | null>(null);
  const resolved = actions.map((action) => resolve(action, username)).filter((a): a is ResolvedAction => a !== null);
  if (resolved.length === 0 && !leading) return null;

  return (
    <div id="external-actions-container" class="external-actions">
      {leading}
      {resolved.map((item) => {
        const { action, url, icon } = item;
        const style = actionColors(action.color);
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
            style={style}
          >
            {content}
          </a>
        ) : (
          <button
            key={url}
            type="button"
            class="external-action-button"
            title={action.description || action.title}
            aria-haspopup="dialog"
            style={style}
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
  return (
    <Modal id="external-actions-modal" title={title} onClose={onClose}>
      {!loaded && <p class="modal-loading">Loading…</p>}
      <iframe
        class="modal-frame"
        src={item.url}
        title={title}
        sandbox="allow-same-origin allow-scripts allow-popups allow-forms"
        onLoad={() => setLoaded(true)}
      />
    </Modal>
  );
}
