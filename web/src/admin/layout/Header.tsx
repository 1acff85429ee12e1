// The bar above every page: menu button (phones), the stream title (saves on Enter), the online
// indicator with the live thumbnail on hover or focus, compose post (federation on) and Log out.

import { useEffect, useId, useState } from 'preact/hooks';
import { pageSession, postJson, saveSetting } from '../api';
import { Icon } from '../components/icons';
import { Modal } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { formatClock, parseTime } from '../format';
import { useAdmin } from '../state';

export const STREAM_TITLE_MAX = 1000;

function StreamTitle() {
  const { config, status, patchConfig } = useAdmin();
  const saved = status?.streamTitle ?? config?.instanceDetails.streamTitle ?? '';
  const [draft, setDraft] = useState(saved);
  const [editing, setEditing] = useState(false);
  const { state, run, fail, clear } = useSave();
  const id = useId();
  useEffect(() => {
    if (!editing) setDraft(saved);
  }, [saved, editing]);
  const submit = async (event: Event) => {
    event.preventDefault();
    const title = draft.trim();
    if ([...title].length > STREAM_TITLE_MAX) return fail(`At most ${STREAM_TITLE_MAX} characters.`);
    const ok = await run(() => saveSetting('streamtitle', title), 'Title saved');
    if (ok) {
      setEditing(false);
      setDraft(title);
      patchConfig((c) => ({ ...c, instanceDetails: { ...c.instanceDetails, streamTitle: title } }));
    }
  };
  return (
    <form class="title-form" onSubmit={submit}>
      <label for={id} class="title-label">
        Stream title
      </label>
      <div class="title-row">
        <input
          id={id}
          value={draft}
          placeholder="What are you streaming now?"
          autoComplete="off"
          aria-describedby={`${id}-status`}
          onFocus={() => setEditing(true)}
          onBlur={() => setEditing(draft !== saved)}
          onInput={(event) => {
            setDraft(event.currentTarget.value);
            setEditing(true);
            if (state.kind === 'error') clear();
          }}
        />
        <button
          type="submit"
          class="button primary"
          aria-label="Save stream title"
          disabled={draft.trim() === saved || state.kind === 'saving'}
        >
          Save
        </button>
      </div>
      <SaveStatus id={`${id}-status`} state={state} />
    </form>
  );
}

function OnlineIndicator() {
  const { status } = useAdmin();
  const [now, setNow] = useState(Date.now());
  const online = status?.online === true;
  const since = parseTime(status?.broadcaster?.time)?.getTime() ?? null;
  useEffect(() => {
    if (!online) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [online]);
  const text = online ? `Online ${since ? formatClock((now - since) / 1000) : ''}` : 'Offline';
  return (
    <div class={`online-indicator ${online ? 'is-online' : 'is-offline'}`} tabIndex={online ? 0 : undefined}>
      <span class="dot" aria-hidden="true" />
      <span>{text}</span>
      {online && (
        <div class="thumbnail-popover" aria-hidden="true">
          <img src={`/thumbnail.jpg?cb=${Math.floor(now / 15000)}`} alt="" width={240} height={135} />
        </div>
      )}
    </div>
  );
}

export const POST_MAX = 500;

function ComposePost() {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const { state, run, fail } = useSave();
  const id = useId();
  const send = async (event: Event) => {
    event.preventDefault();
    if (!text.trim()) return fail('Write something first.');
    if ([...text].length > POST_MAX) return fail(`At most ${POST_MAX} characters.`);
    if (await run(() => postJson('/api/admin/federation/send', { value: text }), 'Posted to your followers')) {
      setText('');
      window.setTimeout(() => setOpen(false), 900);
    }
  };
  return (
    <>
      <button type="button" class="button" onClick={() => setOpen(true)}>
        <span aria-hidden="true">✎ </span>Compose post
      </button>
      {open && (
        <Modal title="Post to followers" onClose={() => setOpen(false)}>
          <form onSubmit={send} class="stack">
            <label for={id} class="setting-label">
              Post
            </label>
            <textarea
              id={id}
              rows={5}
              value={text}
              aria-describedby={`${id}-help ${id}-status`}
              onInput={(event) => setText(event.currentTarget.value)}
            />
            <p id={`${id}-help`} class="help">
              Sent to everyone who follows this server on the Fediverse. {[...text].length} / {POST_MAX}
            </p>
            <SaveStatus id={`${id}-status`} state={state} />
            <div class="modal-footer">
              <button type="button" class="button" onClick={() => setOpen(false)}>
                Cancel
              </button>
              <button type="submit" class="button primary" disabled={state.kind === 'saving'}>
                Post
              </button>
            </div>
          </form>
        </Modal>
      )}
    </>
  );
}

function LogOut() {
  const session = pageSession();
  if (session.method !== 'cookie') {
    return (
      <span class="signed-in-note" title="Close the browser to forget HTTP Basic credentials">
        Signed in with HTTP Basic
      </span>
    );
  }
  return (
    <form method="post" action="/admin/logout" class="logout-form">
      <input type="hidden" name="csrf" value={session.csrfToken} />
      <button type="submit" class="button">
        Log out
      </button>
    </form>
  );
}

export function Header({ menuOpen, onMenu }: { menuOpen: boolean; onMenu: () => void }) {
  const { config } = useAdmin();
  return (
    <header class="admin-header">
      <button
        type="button"
        class="button menu-button"
        aria-expanded={menuOpen}
        aria-controls="admin-menu"
        onClick={onMenu}
      >
        <Icon name="menu" />
        Menu
      </button>
      <StreamTitle />
      <div class="header-end">
        <OnlineIndicator />
        {config?.federation.enabled && <ComposePost />}
        <LogOut />
      </div>
    </header>
  );
}
