// The viewer page: header, player, status strip, information, footer, and the (future) chat column.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { fetchConfig, type ServerConfig } from '../api';
import { useLayout } from '../layout';
import { Player, type PlayerState } from '../player/Player';
import { useStreamStatus } from '../status';
import { ChatColumn } from './ChatColumn';
import { Header } from './Header';
import { StatusStrip } from './StatusStrip';
import { UserContent } from './UserContent';

const CONFIG_RETRY_MS = 5000;

function useConfig(): ServerConfig | null {
  const [config, setConfig] = useState<ServerConfig | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const load = (): void => {
      fetchConfig().then(
        (c) => !stopped && setConfig(c),
        () => {
          if (!stopped) timer = window.setTimeout(load, CONFIG_RETRY_MS);
        },
      );
    };
    load();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, []);
  return config;
}

export function rootClasses(parts: Record<string, boolean>): string {
  return Object.keys(parts)
    .filter((k) => parts[k])
    .join(' ');
}

export function App() {
  const config = useConfig();
  const status = useStreamStatus();
  const layout = useLayout();
  const [player, setPlayer] = useState<PlayerState>({ showingVideo: false, ended: false });
  const onPlayerState = useCallback((s: PlayerState) => setPlayer(s), []);

  useEffect(() => {
    if (config?.name) document.title = config.name;
  }, [config?.name]);

  const live = status !== null && status.online && !player.ended;
  const streamTitle = live ? status.streamTitle || config?.streamTitle || '' : '';
  const headerTitle = streamTitle || config?.name || '';

  const classes = rootClasses({
    // Chat arrives with the next issue; until then the column stays hidden.
    chat: false,
    'no-chat': true,
    'chat-disabled': config?.chatDisabled ?? false,
    'no-video': !player.showingVideo,
    'single-col': layout.singleColumn,
    'short-wide': layout.shortWide,
    'touch-screen': layout.touchScreen,
    'config-loading': config === null,
  });

  return (
    <div id="app-container" class={classes}>
      {config?.customStyles && <style id="custom-styles">{config.customStyles}</style>}
      <Header config={config} title={headerTitle} />
      <div id="page-body">
        <main>
          <div id="video-container">
            <Player status={status} onStateChange={onPlayerState} />
          </div>
          <StatusStrip status={status} ended={player.ended} />
        </main>
        {config && <UserContent config={config} streamTitle={streamTitle} />}
        <footer>{config?.version && <span class="version">{config.version}</span>}</footer>
      </div>
      <ChatColumn />
    </div>
  );
}
