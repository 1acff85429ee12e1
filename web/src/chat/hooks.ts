// Preact glue for ChatSession, the emoji list, and the throttled screen-reader announcements.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CustomEmoji } from './compose';
import type { ChatItem } from './log';
import { type ChatIdentity, ChatSession } from './session';
import { plainText } from './text';

/** What the page around the chat shows of a session: the phase, the name and the moderator badge. */
function outline(session: ChatSession): string {
  return `${session.phase}\n${session.displayName}\n${session.moderator}`;
}

/**
 * A session for `identity` that runs while `active`. The caller re-renders only when the session's
 * outline changes (phase, own name, moderator), not for every message: the chat panel subscribes to
 * those itself (useChatUpdates), so a busy chat never re-renders the player and the page around it.
 */
export function useChatSession(identity: ChatIdentity, active: boolean, socketHost = ''): ChatSession {
  const session = useMemo(() => new ChatSession(identity, socketHost), [identity, socketHost]);
  const [, setOutline] = useState(() => outline(session));
  useEffect(() => session.subscribe(() => setOutline(outline(session))), [session]);
  useEffect(() => {
    if (!active) return undefined;
    session.start();
    return () => session.stop();
  }, [session, active]);
  return session;
}

/** Re-renders the caller on every change of `session` (new messages, visibility, phase…). */
export function useChatUpdates(session: ChatSession): void {
  const [, setVersion] = useState(session.version);
  useEffect(() => {
    setVersion(session.version);
    return session.subscribe(() => setVersion(session.version));
  }, [session]);
}

let emojiRequest: Promise<CustomEmoji[]> | null = null;

/** `GET /api/emoji`, once per page; only same-origin images under /img/emoji/ (what the server allows). */
export function loadCustomEmoji(): Promise<CustomEmoji[]> {
  emojiRequest ??= fetch('/api/emoji', { cache: 'no-store' })
    .then((response) => (response.ok ? response.json() : []))
    .then((list: unknown) => {
      if (!Array.isArray(list)) return [];
      const found: CustomEmoji[] = [];
      for (const entry of list as { name?: unknown; emoji?: unknown }[]) {
        if (typeof entry?.name !== 'string' || typeof entry.emoji !== 'string' || !entry.name) continue;
        let url: URL;
        try {
          url = new URL(entry.emoji, location.href);
        } catch {
          continue;
        }
        if (url.origin !== location.origin || !url.pathname.startsWith('/img/emoji/')) continue;
        found.push({ name: entry.name, url: url.pathname });
      }
      return found;
    })
    .catch(() => {
      emojiRequest = null;
      return [];
    });
  return emojiRequest;
}

export function useCustomEmoji(): CustomEmoji[] {
  const [emoji, setEmoji] = useState<CustomEmoji[]>([]);
  useEffect(() => {
    let live = true;
    void loadCustomEmoji().then((list) => live && setEmoji(list));
    return () => {
      live = false;
    };
  }, []);
  return emoji;
}

/** Announcements are at most this frequent; what arrives in between is summed up in the next one. */
export const ANNOUNCE_INTERVAL_MS = 4_000;

/** Wording of one announcement for `items` (oldest first). Empty when there is nothing to say. */
export function announcementFor(items: ChatItem[], ownId: string | null): string {
  const chats = items.filter((item) => item.kind === 'chat' && !item.hidden && item.event.user?.id !== ownId);
  if (chats.length === 0) return '';
  const latest = chats[chats.length - 1]!;
  const name = latest.event.user?.displayName ?? 'Someone';
  let text = plainText(latest.event.body ?? '');
  if (text.length > 140) text = `${text.slice(0, 137)}…`;
  if (chats.length === 1) return `${name}: ${text}`;
  return `${chats.length} new messages. Latest from ${name}: ${text}`;
}

/**
 * The text of a polite live region: new messages from others, at most one announcement every
 * ANNOUNCE_INTERVAL_MS, so a busy chat does not bury a screen-reader user.
 */
export function useChatAnnouncer(session: ChatSession, enabled: boolean): string {
  const [text, setText] = useState('');
  const pending = useRef<ChatItem[]>([]);
  const lastAt = useRef(0);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!enabled) return undefined;
    const flush = (): void => {
      timer.current = undefined;
      // Current state of each item: some may have been hidden since they arrived.
      const items = pending.current.map((item) => session.log.get(item.id) ?? item);
      const said = announcementFor(items, session.me?.id ?? null);
      pending.current = [];
      if (!said) return;
      lastAt.current = Date.now();
      setText(said);
    };
    const off = session.onLiveItems((items) => {
      pending.current.push(...items);
      if (timer.current !== undefined) return;
      const wait = Math.max(0, lastAt.current + ANNOUNCE_INTERVAL_MS - Date.now());
      timer.current = window.setTimeout(flush, Math.max(wait, 300));
    });
    return () => {
      off();
      window.clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [session, enabled]);
  return text;
}
