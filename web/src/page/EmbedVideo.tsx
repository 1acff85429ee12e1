// /embed/video: the player and the status strip, nothing else. Polling /api/ping counts the viewer.
import { useCallback, useState } from 'preact/hooks';
import { useConfig } from '../config';
import { Player, type PlayerState } from '../player/Player';
import { useStreamStatus } from '../status';
import { OfflinePanel } from './OfflinePanel';
import { StatusStrip } from './StatusStrip';

export function EmbedVideo() {
  const status = useStreamStatus();
  const config = useConfig();
  const [player, setPlayer] = useState<PlayerState>({ showingVideo: false, ended: false, autoMuted: false });
  const onPlayerState = useCallback((s: PlayerState) => setPlayer(s), []);
  const touch = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
  return (
    <div id="app-container" class={`embed-video${player.showingVideo ? '' : ' no-video'}`}>
      <main>
        <div id="video-container">
          <Player
            status={status}
            onStateChange={onPlayerState}
            offline={<OfflinePanel config={config} status={status} />}
            touch={touch}
          />
        </div>
        <StatusStrip status={status} ended={player.ended} />
      </main>
    </div>
  );
}
