// /embed/chat/readonly (and /embed/chat): the messages only, under an identity of its own, for OBS
// overlays and sites. /embed/chat/readwrite: the viewer's own chat (same identity as the page) with
// the name control on top and the admin's custom CSS.
import { isChatOpen } from '../chat/availability';
import { ChatPanel } from '../chat/ChatPanel';
import { messageByteLimit } from '../chat/compose';
import { useChatSession } from '../chat/hooks';
import { EMBED_IDENTITY, VIEWER_IDENTITY } from '../chat/session';
import { UsernameControl } from '../chat/UsernameControl';
import { useConfig } from '../config';
import { useStreamStatus } from '../status';

export type EmbedChatMode = 'readonly' | 'readwrite';

export function embedChatMode(pathname: string): EmbedChatMode {
  return pathname.replace(/\/+$/, '') === '/embed/chat/readwrite' ? 'readwrite' : 'readonly';
}

export function EmbedChat({ mode }: { mode: EmbedChatMode }) {
  return mode === 'readwrite' ? <ReadWriteChat /> : <ReadOnlyChat />;
}

function ReadOnlyChat() {
  const config = useConfig();
  const enabled = config !== null && !config.chatDisabled;
  const session = useChatSession(EMBED_IDENTITY, enabled);
  const disabled = config?.chatDisabled === true || session.phase === 'disabled';
  return (
    <div id="app-container" class={`embed-chat readonly-chat${disabled ? ' chat-disabled' : ''}`}>
      {disabled ? (
        <p class="embed-chat-off">Chat is turned off on this server.</p>
      ) : (
        <ChatPanel session={session} readOnly byteLimit={0} open={false} announce />
      )}
    </div>
  );
}

function ReadWriteChat() {
  const config = useConfig();
  const status = useStreamStatus(undefined, false);
  const enabled = config !== null && !config.chatDisabled;
  // Connected whenever chat is on, so the history shows; writing follows the page's open/closed rule.
  const session = useChatSession(VIEWER_IDENTITY, enabled);
  const open = isChatOpen(status, Date.now()) && session.phase !== 'disabled';
  const disabled = config?.chatDisabled === true || session.phase === 'disabled';
  return (
    <div id="app-container" class={`embed-chat readwrite-chat${disabled ? ' chat-disabled' : ''}`}>
      {config?.customStyles && <style id="custom-styles">{config.customStyles}</style>}
      <div class="embed-chat-header">
        <span class="embed-chat-title">{config?.name ?? ''}</span>
        {enabled && session.phase !== 'banned' && <UsernameControl session={session} />}
      </div>
      {disabled ? (
        <p class="embed-chat-off">Chat is turned off on this server.</p>
      ) : (
        <ChatPanel
          session={session}
          readOnly={false}
          byteLimit={messageByteLimit(config?.maxSocketPayloadSize ?? 0)}
          open={open}
          announce
        />
      )}
    </div>
  );
}
