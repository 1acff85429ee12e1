// The viewer page: header, player, status strip, information, footer, and the chat column.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { isChatOpen } from '../chat/availability';
import { ChatToggle } from '../chat/ChatToggle';
import { messageByteLimit } from '../chat/compose';
import { useChatSession } from '../chat/hooks';
import { VIEWER_IDENTITY } from '../chat/session';
import { readStored, writeStored } from '../chat/storage';
import { UsernameControl } from '../chat/UsernameControl';
import { useConfig } from '../config';
import { useKeyboardInset, useLayout } from '../layout';
import { Player, type PlayerState } from '../player/Player';
import { isTypingTarget } from '../player/shortcuts';
import { useStreamStatus } from '../status';
import { ChatColumn } from './ChatColumn';
import { Header } from './Header';
import { StatusStrip } from './StatusStrip';
import { useTitleNotifier } from './title';
import { UserContent } from './UserContent';

/** localStorage key of the viewer's "show the chat" choice ("true" / "false"), as Owncast 0.0.11 names it. */
export const CHAT_SHOWN_KEY = 'owncast_chat';

export function rootClasses(parts: Record<string, boolean>): string {
  return Object.keys(parts)
    .filter((k) => parts[k])
    .join(' ');
}

export function App() {
  const config = useConfig();
  const status = useStreamStatus();
  const layout = useLayout();
  const keyboardUp = useKeyboardInset(layout.touchScreen);
  const [player, setPlayer] = useState<PlayerState>({ showingVideo: false, ended: false });
  const onPlayerState = useCallback((s: PlayerState) => setPlayer(s), []);

  // Chat runs while the server has it on and the stream is live (or ended less than five minutes ago).
  const chatEnabled = config !== null && !config.chatDisabled;
  const chatOpen = isChatOpen(status, Date.now());
  const session = useChatSession(VIEWER_IDENTITY, chatEnabled && chatOpen);
  const chatAvailable = chatEnabled && chatOpen && session.phase !== 'disabled';
  const [chatWanted, setChatWanted] = useState(() => readStored(CHAT_SHOWN_KEY) !== 'false');
  const toggleChat = useCallback(() => {
    setChatWanted((shown) => {
      writeStored(CHAT_SHOWN_KEY, String(!shown));
      return !shown;
    });
  }, []);
  const chatShown = chatAvailable && chatWanted;

  useEffect(() => {
    if (!chatAvailable) return undefined;
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
      if (event.key === 'c' || event.key === 'C') {
        event.preventDefault();
        toggleChat();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [chatAvailable, toggleChat]);

  const live = status !== null && status.online && !player.ended;
  useTitleNotifier(config?.name ?? '', session, status === null ? null : status.online);

  const streamTitle = live ? status.streamTitle || config?.streamTitle || '' : '';
  const headerTitle = streamTitle || config?.name || '';

  const classes = rootClasses({
    chat: chatShown,
    'no-chat': !chatShown,
    'chat-hidden': chatAvailable && !chatWanted,
    'chat-disabled': config?.chatDisabled === true || session.phase === 'disabled',
    'no-video': !player.showingVideo,
    'single-col': layout.singleColumn,
    'short-wide': layout.shortWide,
    'touch-screen': layout.touchScreen,
    'touch-keyboard-active': keyboardUp,
    'config-loading': config === null,
  });

  const chatName = chatEnabled ? session.displayName : '';

  return (
    <div id="app-container" class={classes}>
      {config?.customStyles && <style id="custom-styles">{config.customStyles}</style>}
      <Header config={config} title={headerTitle}>
        {chatAvailable && session.phase !== 'banned' && <UsernameControl session={session} />}
        {chatAvailable && <ChatToggle shown={chatWanted} onToggle={toggleChat} />}
      </Header>
      <div id="page-body">
        <main>
          <div id="video-container">
            <Player status={status} onStateChange={onPlayerState} />
          </div>
          <StatusStrip status={status} ended={player.ended} />
        </main>
        {config && <UserContent config={config} streamTitle={streamTitle} chatName={chatName} />}
        <footer>{config?.version && <span class="version">{config.version}</span>}</footer>
      </div>
      <ChatColumn
        session={session}
        byteLimit={messageByteLimit(config?.maxSocketPayloadSize ?? 0)}
        open={chatAvailable}
        shown={chatShown}
      />
    </div>
  );
}
