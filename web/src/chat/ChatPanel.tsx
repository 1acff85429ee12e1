// The chat itself: messages, connection notices, and (unless read-only) the message box.
// Used by the page's chat column and both chat embeds.
import { MessageList } from './MessageList';
import { ChatInput } from './ChatInput';
import { useChatAnnouncer, useChatUpdates } from './hooks';
import type { ChatSession } from './session';

export interface ChatPanelProps {
  session: ChatSession;
  readOnly: boolean;
  /** Byte budget of one message (see messageByteLimit). */
  byteLimit: number;
  /** The chat is open for writing. */
  open: boolean;
  /** Announce new messages to screen readers (off when the panel is hidden). */
  announce: boolean;
}

/** Connection trouble, shown above the messages (the read-only embed hides it: nothing to do there). */
function phaseNotice(session: ChatSession): string {
  switch (session.phase) {
    case 'connecting':
      return 'Joining the chat…';
    case 'reconnecting':
      return 'Lost the connection to the chat. Reconnecting…';
    case 'full':
      return 'The chat is full right now. Trying again in a minute…';
    case 'disabled':
      return 'Chat is turned off on this server.';
    default:
      return '';
  }
}

export function ChatPanel({ session, readOnly, byteLimit, open, announce }: ChatPanelProps) {
  useChatUpdates(session);
  const announcement = useChatAnnouncer(session, announce);
  const notice = phaseNotice(session);
  const banned = session.phase === 'banned';
  return (
    <section id="chat-container" aria-label="Chat" class={`chat-phase-${session.phase}`}>
      {notice && (
        <div class="chat-status-notice" role="status">
          {notice}
        </div>
      )}
      <MessageList session={session} />
      {!readOnly && (
        <div id="message-input-container">
          {banned ? (
            <p class="chat-removed-notice" role="alert">
              A moderator has removed you from the chat. You can keep watching the stream.
            </p>
          ) : (
            <ChatInput session={session} byteLimit={byteLimit} open={open} />
          )}
        </div>
      )}
      <div id="chat-announcer" class="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </section>
  );
}
