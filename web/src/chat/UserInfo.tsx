// The moderator's "More info" about a message's author: the message, when they joined, how much they
// have written, the names they went by, how long they have been connected; and the two actions again.
import { useEffect, useState } from 'preact/hooks';
import { formatAgo, formatChattingSince, formatSentAt } from '../format';
import { Modal } from '../Modal';
import { isModerator, parseTimestamp } from './events';
import type { ChatItem } from './log';
import type { ChatSession, UserDetails } from './session';

export interface UserInfoProps {
  session: ChatSession;
  item: ChatItem;
  onClose: () => void;
  onHide: () => void;
  onRemove: (() => void) | null;
}

function connectedFor(details: UserDetails, now: Date): string {
  const times = details.connectedClients
    .map((c) => parseTimestamp(c.connectedAt))
    .filter((t) => !Number.isNaN(t));
  if (times.length === 0) return 'Not connected now';
  const since = new Date(Math.min(...times)).toISOString();
  const sockets = times.length === 1 ? '' : ` (${times.length} windows)`;
  const ago = formatAgo(since, now);
  const length = ago === 'just now' ? 'less than a minute' : ago.replace(/ ago$/, '');
  return `Connected for ${length}${sockets}`;
}

export function UserInfo({ session, item, onClose, onHide, onRemove }: UserInfoProps) {
  const [details, setDetails] = useState<UserDetails | null | 'loading'>('loading');
  const user = item.event.user;
  useEffect(() => {
    let live = true;
    if (user?.id) void session.userDetails(user.id).then((d) => live && setDetails(d));
    else setDetails(null);
    return () => {
      live = false;
    };
  }, [session, user?.id]);

  const now = new Date();
  const known = details !== 'loading' && details !== null ? details : null;
  const who = known?.user ?? user ?? null;
  const name = who?.displayName ?? '';
  const earlier = (who?.previousNames ?? []).filter((n) => n && n !== name);
  return (
    <Modal id="chat-user-info" title={name ? `About ${name}` : 'About this person'} onClose={onClose} size="form">
      <div class="user-info">
        <blockquote class="user-info-message">
          <p class="user-info-sent">{formatSentAt(item.time, Date.now())}</p>
          {/* Rendered and sanitized by the server. */}
          <div class="message-text" dangerouslySetInnerHTML={{ __html: item.event.body ?? '' }} />
        </blockquote>
        <dl class="user-info-facts">
          {isModerator(who) && (
            <>
              <dt>Role</dt>
              <dd>Moderator</dd>
            </>
          )}
          <dt>Joined</dt>
          <dd>{formatChattingSince(who?.createdAt).replace(/^Chatting here since /, '') || 'Unknown'}</dd>
          {known && (
            <>
              <dt>Messages</dt>
              <dd>{known.messages.length}</dd>
              <dt>Connection</dt>
              <dd>{connectedFor(known, now)}</dd>
            </>
          )}
          <dt>Earlier names</dt>
          <dd>{earlier.length > 0 ? earlier.join(', ') : 'None'}</dd>
        </dl>
        {details === 'loading' && <p class="user-info-note">Loading their details…</p>}
        {details === null && <p class="user-info-note">This server did not give more details.</p>}
        <div class="user-info-actions">
          <button type="button" class="user-info-hide" onClick={onHide}>
            Hide message
          </button>
          {onRemove && (
            <button type="button" class="user-info-remove" onClick={onRemove}>
              Remove user
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}
