// The video area while the stream is offline (#offline-banner): the logo, that the stream is offline and
// when it was last live, the next scheduled stream with its countdown (the schedule), the admin's offline
// message (newer Owncast's setting; rendered and sanitized by the server), and the way to hear about the
// next stream (Follow, with federation on).
import type { ServerConfig, StreamStatus } from '../api';
import { formatAgo } from '../format';
import { useNow } from '../status';
import { FollowButton } from './FollowButton';
import { NextStream } from './NextStream';

export interface OfflinePanelProps {
  config: ServerConfig | null;
  status: StreamStatus | null;
}

export function OfflinePanel({ config, status }: OfflinePanelProps) {
  const next = config?.schedule.enabled ? status?.scheduledEvent : undefined;
  const countdown = Boolean(next && config?.schedule.showCountdown);
  const now = useNow(countdown);
  const name = config?.name ?? '';
  const lastLive = formatAgo(status?.lastDisconnectTime ?? null, now);
  const federation = config?.federation;
  const account = federation?.enabled && federation.account ? federation.account : '';
  return (
    <section id="offline-banner" class="offline-panel" aria-labelledby="offline-title" tabIndex={-1}>
      <img class="offline-logo" src={config?.logo || '/logo'} alt="" />
      <div class="offline-text">
        <h2 id="offline-title" class="offline-title">
          {status === null ? 'Checking the stream…' : `${name || 'This stream'} is offline`}
        </h2>
        {lastLive && <p class="offline-last-live">Last live {lastLive}.</p>}
        {next && <NextStream event={next} countdown={countdown} now={now} />}
        {config?.offlineMessage ? (
          // Rendered from the admin's Markdown and sanitized by the server.
          <div class="offline-message" dangerouslySetInnerHTML={{ __html: config.offlineMessage }} />
        ) : (
          status !== null && (
            <p class="offline-message offline-message_default">
              {account ? `Follow @${account} on the fediverse to hear when the next stream starts.` : 'Check back soon.'}
            </p>
          )
        )}
        {account && config && (
          <div class="offline-actions">
            <FollowButton account={account} serverName={name} logo={config.logo || '/logo'} variant="panel" />
          </div>
        )}
      </div>
    </section>
  );
}
