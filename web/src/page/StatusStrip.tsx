// "Stream is online. 1:02:03 · 12 viewers" / "Stream is offline. · Last live: Today 21:04".
// The phrases are kept word for word from Owncast's page because tools scrape them. Only the phrase is
// announced (when it changes); the ticking duration never is.
import type { StreamStatus } from '../api';
import { formatElapsed, formatLastLive, formatViewers } from '../format';
import { useNow } from '../status';

export interface StatusStripProps {
  status: StreamStatus | null;
  /** The player reached the end of the broadcast before the server flipped to offline. */
  ended: boolean;
}

export function StatusStrip({ status, ended }: StatusStripProps) {
  const online = status !== null && status.online && !ended;
  const now = useNow(online);

  let phrase = 'Checking the stream…';
  let duration = '';
  let right = '';
  if (status !== null) {
    if (online) {
      phrase = 'Stream is online.';
      const since = status.lastConnectTime ? new Date(status.lastConnectTime).getTime() : Number.NaN;
      duration = Number.isNaN(since) ? '' : formatElapsed((now.getTime() - since) / 1000);
      // Left out of /api/status while the admin hides the count.
      const viewers = status.viewerCount;
      right = typeof viewers === 'number' && viewers > 0 ? formatViewers(viewers) : '';
    } else {
      phrase = 'Stream is offline.';
      right = formatLastLive(status.lastDisconnectTime, now);
    }
  }

  return (
    <section id="stream-info" class={online ? 'online' : 'offline'} aria-label="Stream status">
      <span id="stream-status">
        <span class="stream-status-phrase" role="status">
          {phrase}
        </span>
        {duration && ' '}
        {duration && (
          <span class="stream-status-duration" role="timer" aria-label={`Live for ${duration}`}>
            {duration}
          </span>
        )}
      </span>
      <span id="stream-viewer-count">{right}</span>
    </section>
  );
}
