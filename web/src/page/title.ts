// The tab title while the viewer looks elsewhere: "(3) Name" for unread chat messages, a red dot when
// the stream went live meanwhile. Back to the plain name as soon as the tab has focus again.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatSession } from '../chat/session';

export function titleFor(base: string, unread: number, wentLive: boolean): string {
  const count = unread > 0 ? `(${unread > 9 ? '9+' : unread}) ` : '';
  return `${count}${wentLive ? '🔴 ' : ''}${base}`;
}

function hasFocus(): boolean {
  return !document.hidden && document.hasFocus();
}

export function useTitleNotifier(base: string, session: ChatSession, online: boolean | null): void {
  const [unread, setUnread] = useState(0);
  const [wentLive, setWentLive] = useState(false);
  const wasOnline = useRef<boolean | null>(null);

  useEffect(() => {
    const reset = (): void => {
      if (!hasFocus()) return;
      setUnread(0);
      setWentLive(false);
    };
    window.addEventListener('focus', reset);
    document.addEventListener('visibilitychange', reset);
    const off = session.onLiveItems((items) => {
      if (hasFocus()) return;
      const own = session.me?.id;
      const count = items.filter((i) => i.kind === 'chat' && i.event.user?.id !== own).length;
      if (count > 0) setUnread((n) => n + count);
    });
    return () => {
      window.removeEventListener('focus', reset);
      document.removeEventListener('visibilitychange', reset);
      off();
    };
  }, [session]);

  useEffect(() => {
    if (online === null) return;
    if (wasOnline.current === false && online && !hasFocus()) setWentLive(true);
    if (!online) setWentLive(false);
    wasOnline.current = online;
  }, [online]);

  useEffect(() => {
    if (base) document.title = titleFor(base, unread, wentLive);
  }, [base, unread, wentLive]);
}
