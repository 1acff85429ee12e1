// The viewer page: skip links, header, player (or the offline panel), status strip, information, footer,
// and the chat column. On phones the chat sits under the video and a tab bar there switches between
// Chat, About and Followers.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { isChatOpen } from '../chat/availability';
import { ChatToggle } from '../chat/ChatToggle';
import { messageByteLimit } from '../chat/compose';
import { useChatSession } from '../chat/hooks';
import { VIEWER_IDENTITY } from '../chat/session';
import { readStored, writeStored } from '../chat/storage';
import { UsernameControl } from '../chat/UsernameControl';
import { useConfig } from '../config';
import { useKeyboardInset, useLayout } from '../layout';
import { MutedIcon } from '../player/icons';
import { Player, type PlayerControl, type PlayerState } from '../player/Player';
import { isTypingTarget } from '../player/shortcuts';
import { PastStreams } from '../replay/PastStreams';
import { useStreamStatus } from '../status';
import { ChatColumn } from './ChatColumn';
import { Header } from './Header';
import { OfflinePanel } from './OfflinePanel';
import { PageTabs, type TabId } from './PageTabs';
import { SkipLinks } from './SkipLinks';
import { StatusStrip } from './StatusStrip';
import { useTitleNotifier } from './title';
import { sectionTabs, UserContent } from './UserContent';

/** localStorage key of the viewer's "show the chat" choice ("true" / "false"), as Owncast 0.0.11 names it. */
export const CHAT_SHOWN_KEY = 'owncast_chat';

export function rootClasses(parts: Record<string, boolean>): string {
  return Object.keys(parts)
    .filter((k) => parts[k])
    .join(' ');
}

const NO_PLAYER: PlayerState = { showingVideo: false, ended: false, autoMuted: false };

/** Newer Owncast's appearance variables: each becomes a CSS custom property on the page's root. */
function useAppearance(variables: Record<string, string> | null): void {
  useEffect(() => {
    if (!variables) return undefined;
    const root = document.documentElement.style;
    const names = Object.keys(variables).map((name) => `--${name.replace(/^-+/, '')}`);
    names.forEach((name, index) => root.setProperty(name, String(Object.values(variables)[index])));
    return () => names.forEach((name) => root.removeProperty(name));
  }, [JSON.stringify(variables)]);
}

export function App() {
  const config = useConfig();
  const status = useStreamStatus();
  const layout = useLayout();
  const keyboardUp = useKeyboardInset(layout.touchScreen);
  const [player, setPlayer] = useState<PlayerState>(NO_PLAYER);
  const onPlayerState = useCallback((s: PlayerState) => setPlayer(s), []);
  const playerControl = useRef<PlayerControl | null>(null);

  // Chat runs while the server has it on and the stream is live (or ended less than five minutes ago).
  const chatEnabled = config !== null && !config.chatDisabled;
  const chatOpen = isChatOpen(status, Date.now());
  const session = useChatSession(VIEWER_IDENTITY, chatEnabled && chatOpen, config?.socketHostOverride ?? '');
  useAppearance(config?.appearanceVariables ?? null);
  const chatAvailable = chatEnabled && chatOpen && session.phase !== 'disabled';
  const [chatWanted, setChatWanted] = useState(() => readStored(CHAT_SHOWN_KEY) !== 'false');
  const phone = layout.singleColumn;

  // The section shown: on phones the bar under the video picks Chat, About or Followers.
  const [tab, setTab] = useState<TabId>(() => (readStored(CHAT_SHOWN_KEY) !== 'false' ? 'chat' : 'about'));
  const phoneTab: TabId = tab === 'chat' && !chatAvailable ? 'about' : tab;
  const infoTab: TabId = tab === 'chat' ? 'about' : tab;
  const chatShown = chatAvailable && (phone ? phoneTab === 'chat' : chatWanted);

  const showChat = useCallback(
    (shown: boolean) => {
      writeStored(CHAT_SHOWN_KEY, String(shown));
      setChatWanted(shown);
      if (phone) setTab(shown ? 'chat' : 'about');
    },
    [phone],
  );
  const toggleChat = useCallback(() => showChat(!chatShown), [showChat, chatShown]);
  const selectTab = useCallback(
    (next: TabId) => {
      setTab(next);
      if (phone && next === 'chat') showChat(true);
    },
    [phone, showChat],
  );

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
  const offline = status !== null && !live && !player.showingVideo;

  const classes = rootClasses({
    chat: chatShown,
    'no-chat': !chatShown,
    'chat-hidden': chatAvailable && !chatShown,
    'chat-disabled': config?.chatDisabled === true || session.phase === 'disabled',
    'no-video': !player.showingVideo,
    'single-col': layout.singleColumn,
    'short-wide': layout.shortWide,
    'touch-screen': layout.touchScreen,
    'touch-keyboard-active': keyboardUp,
    'config-loading': config === null,
    offline,
    'sound-prompt': phone && player.autoMuted,
  });

  const chatName = chatEnabled ? session.displayName : '';
  const tabs = config ? sectionTabs(config, chatAvailable) : [];

  return (
    <div id="app-container" class={classes}>
      {config?.customStyles && <style id="custom-styles">{config.customStyles}</style>}
      <SkipLinks offline={offline} chat={chatShown} />
      <Header config={config} title={headerTitle}>
        {chatAvailable && session.phase !== 'banned' && (
          <UsernameControl
            session={session}
            auth={
              config
                ? { indieAuth: config.authentication.indieAuthEnabled, fediverse: config.federation.enabled }
                : undefined
            }
          />
        )}
        {chatAvailable && <ChatToggle shown={chatShown} onToggle={toggleChat} />}
      </Header>
      <div id="page-body">
        <main>
          <div id="video-container" tabIndex={-1} aria-label="Video">
            <Player
              status={status}
              onStateChange={onPlayerState}
              offline={<OfflinePanel config={config} status={status} />}
              soundPrompt={phone ? 'outside' : 'overlay'}
              controlRef={playerControl}
              touch={layout.touchScreen}
            />
          </div>
          {phone && player.autoMuted && (
            <button type="button" id="unmute-button" class="sound-prompt-bar" onClick={() => playerControl.current?.turnSoundOn()}>
              <MutedIcon /> Tap to turn the sound on
            </button>
          )}
          {phone && tabs.length > 1 && <PageTabs tabs={tabs} selected={phoneTab} onSelect={selectTab} variant="bar" />}
        </main>
        <StatusStrip status={status} ended={player.ended} />
        {config && (
          <UserContent
            config={config}
            streamTitle={streamTitle}
            chatName={chatName}
            tab={phone ? phoneTab : infoTab}
            onTab={selectTab}
            inlineTabs={!phone}
          />
        )}
        <PastStreams />
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
