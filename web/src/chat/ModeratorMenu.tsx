// The moderator's menu on a chat message: hide the message, remove its author from the chat, or see more
// about the author. Hide and remove ask for confirmation first; the result comes back from the server as
// VISIBILITY-UPDATE (and, for a removal, a CHAT_ACTION), so nothing changes locally until the server says so.
import { useRef, useState } from 'preact/hooks';
import { usePopoverDismissal } from './popover';
import { DotsIcon } from './icons';
import type { ChatItem } from './log';
import type { ChatSession } from './session';
import { UserInfo } from './UserInfo';

export interface ModeratorMenuProps {
  session: ChatSession;
  item: ChatItem;
  messageId: string;
  authorId: string | null;
  authorName: string;
  /** The viewer's own message: removing yourself is not offered. */
  own: boolean;
}

export function ModeratorMenu({ session, item, messageId, authorId, authorName, own }: ModeratorMenuProps) {
  const [open, setOpen] = useState(false);
  const [info, setInfo] = useState(false);
  const [upward, setUpward] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  usePopoverDismissal({ open, close: () => setOpen(false), root: rootRef, button: buttonRef, firstItem: '[role="menuitem"]' });

  const toggle = (): void => {
    if (!open) {
      // Open upwards when the message sits in the lower half of the chat.
      const button = buttonRef.current;
      const scroller = button?.closest('#messages-container');
      if (button && scroller) {
        const b = button.getBoundingClientRect();
        const s = scroller.getBoundingClientRect();
        setUpward(b.top - s.top > s.height / 2);
      }
    }
    setOpen(!open);
  };

  const hide = (): void => {
    setOpen(false);
    setInfo(false);
    if (window.confirm(`Hide this message from ${authorName || 'this person'} for everyone?`)) {
      void session.hideMessage(messageId);
    }
  };

  const remove = (): void => {
    setOpen(false);
    setInfo(false);
    if (!authorId) return;
    const who = authorName || 'this person';
    if (window.confirm(`Remove ${who} from the chat? Their messages disappear and they can no longer chat.`)) {
      void session.removeUser(authorId);
    }
  };

  const onMenuKey = (event: KeyboardEvent): void => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const items = Array.from(rootRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []);
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const next = (at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
    items[next]?.focus();
  };

  return (
    <div class="moderator-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        class="moderator-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Moderate the message from ${authorName || 'this person'}`}
        title="Moderate"
        onClick={toggle}
      >
        <DotsIcon />
      </button>
      {open && (
        <div class={`moderator-menu-items${upward ? ' opens-up' : ''}`} role="menu" onKeyDown={onMenuKey}>
          <button type="button" role="menuitem" class="moderator-hide" onClick={hide}>
            Hide message
          </button>
          {!own && authorId && (
            <button type="button" role="menuitem" class="moderator-remove" onClick={remove}>
              Remove user
            </button>
          )}
          <button
            type="button"
            role="menuitem"
            class="moderator-info"
            aria-haspopup="dialog"
            onClick={() => {
              setOpen(false);
              setInfo(true);
            }}
          >
            More info
          </button>
        </div>
      )}
      {info && (
        <UserInfo
          session={session}
          item={item}
          onClose={() => setInfo(false)}
          onHide={hide}
          onRemove={!own && authorId ? remove : null}
        />
      )}
    </div>
  );
}
