// /embed/video: the player and the status strip, nothing else. Polling /api/ping counts the viewer.
import { useCallback, useState } from 'preact/hooks';
import { Player, type PlayerState } from '../player/Player';
import { useStreamStatus } from '../status';
import { StatusStrip } from './StatusStrip';

export function EmbedVideo() {
  const status = useStreamStatus();
  const [player, setPlayer] = useState<PlayerState>({ showingVideo: false, ended: false });
  const onPlayerState = useCallback((s: PlayerState) => setPlayer(s), []);
  return (
    <div id="app-container" class={`embed-video${player.showingVideo ? '' : ' no-video'}`}>
      <main>
        <div id="video-container">
          <Player status={status} onStateChange={onPlayerState} />
        </div>
        <StatusStrip status={status} ended={player.ended} />
      </main>
    </div>
  );
}
