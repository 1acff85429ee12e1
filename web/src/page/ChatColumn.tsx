// The page's chat column. The ids (#chat-container-wrap → #chat-container → #messages-container +
// #message-input-container) are what Owncast themes and custom CSS target; the root classes on
// #app-container (chat / no-chat / chat-hidden / chat-disabled) decide whether it shows.
import { ChatPanel } from '../chat/ChatPanel';
import type { ChatSession } from '../chat/session';

export interface ChatColumnProps {
  session: ChatSession;
  byteLimit: number;
  open: boolean;
  shown: boolean;
}

export function ChatColumn({ session, byteLimit, open, shown }: ChatColumnProps) {
  return (
    <div id="chat-container-wrap">
      <ChatPanel session={session} readOnly={false} byteLimit={byteLimit} open={open} announce={shown} />
    </div>
  );
}
