// The scrolling list of the newest messages (at most RENDER_LIMIT in the DOM).
//
// Scrolling: while the reader is at the bottom, new messages keep the list pinned there (also when
// images load or the panel resizes). Once they scroll up, the list stays put — the first visible
// message is kept in place even when older ones are dropped off the top — and a "new messages" button
// offers the way back down.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatItem } from './log';
import { RENDER_LIMIT } from './log';
import { MessageView } from './MessageView';
import type { ChatSession } from './session';

/** Within this many pixels of the end counts as "at the bottom". */
export const AT_BOTTOM_PX = 48;

interface Anchor {
  id: string;
  offset: number;
}

function distanceFromBottom(el: HTMLElement): number {
  return el.scrollHeight - el.scrollTop - el.clientHeight;
}

/** The first message whose top is inside the visible area, and how far below the top edge it is. */
function findAnchor(scroller: HTMLElement): Anchor | null {
  const top = scroller.getBoundingClientRect().top;
  for (const child of Array.from(scroller.querySelectorAll<HTMLElement>('[data-message-id]'))) {
    const box = child.getBoundingClientRect();
    if (box.bottom > top) return { id: child.dataset.messageId ?? '', offset: box.top - top };
  }
  return null;
}

export interface MessageListProps {
  session: ChatSession;
}

export function MessageList({ session }: MessageListProps) {
  const items = session.log.visibleTail(RENDER_LIMIT);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const [unread, setUnread] = useState(0);
  const lastIdRef = useRef<string | null>(null);

  // Read before Preact touches the DOM (this runs during render): where the reader is looking.
  const anchor = !atBottomRef.current && scrollerRef.current ? findAnchor(scrollerRef.current) : null;

  const markAtBottom = useCallback((value: boolean): void => {
    atBottomRef.current = value;
    setAtBottom(value);
    if (value) setUnread(0);
  }, []);

  const toBottom = useCallback((): void => {
    const scroller = scrollerRef.current;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }, []);

  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    if (atBottomRef.current) {
      toBottom();
    } else if (anchor) {
      const kept = scroller.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(anchor.id)}"]`);
      if (kept) {
        scroller.scrollTop += kept.getBoundingClientRect().top - scroller.getBoundingClientRect().top - anchor.offset;
      }
    }
    // Count what arrived below while the reader was scrolled up.
    const previousLast = lastIdRef.current;
    lastIdRef.current = items.length > 0 ? items[items.length - 1]!.id : null;
    if (!atBottomRef.current && previousLast !== null && lastIdRef.current !== previousLast) {
      const at = items.findIndex((item) => item.id === previousLast);
      const added = at < 0 ? items.length : items.length - 1 - at;
      const fresh = items.slice(items.length - added).filter((item: ChatItem) => item.kind !== 'notice').length;
      if (fresh > 0) setUnread((n) => n + fresh);
    }
  }, [items]);

  // Keep the bottom in view when images load, the window resizes or the on-screen keyboard opens.
  useEffect(() => {
    const scroller = scrollerRef.current;
    const list = listRef.current;
    if (!scroller || !list || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => {
      if (atBottomRef.current) toBottom();
    });
    observer.observe(scroller);
    observer.observe(list);
    return () => observer.disconnect();
  }, [toBottom]);

  const onScroll = (): void => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const bottom = distanceFromBottom(scroller) <= AT_BOTTOM_PX;
    if (bottom !== atBottomRef.current) markAtBottom(bottom);
  };

  const jump = (): void => {
    markAtBottom(true);
    toBottom();
  };

  const ownId = session.me?.id ?? null;
  const ownName = session.displayName;
  const moderating = session.moderator;

  return (
    <div
      id="messages-container"
      ref={scrollerRef}
      role="log"
      aria-live="off"
      aria-label="Chat messages"
      tabIndex={0}
      onScroll={onScroll}
    >
      <div class="messages-list" ref={listRef}>
        {items.length === 0 && <p class="chat-empty">No messages yet.</p>}
        {items.map((item) => (
          <MessageView key={item.id} item={item} session={session} ownId={ownId} ownName={ownName} moderating={moderating} />
        ))}
      </div>
      {!atBottom && unread > 0 && (
        <div class="new-messages-anchor">
          <button type="button" class="new-messages-button" onClick={jump}>
            {unread === 1 ? '1 new message' : `${unread > 99 ? '99+' : unread} new messages`} ↓
          </button>
        </div>
      )}
    </div>
  );
}
