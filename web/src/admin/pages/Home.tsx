// Home: what to do first on a fresh install, how to connect OBS while offline, the stream's details while
// live, and recent warnings (reference §2.3).

import { useState } from 'preact/hooks';
import { getJson, postJson } from '../api';
import { DataTable, ErrorBanner, PageHeading, Stat } from '../components/bits';
import { CopyButton } from '../components/CopyButton';
import { useConfirm } from '../components/Modal';
import { formatDateTime, formatKbps, formatRelative, plural } from '../format';
import { usePoll } from '../poll';
import { STATUS_INTERVAL_MS, useAdmin, useConfig } from '../state';
import type { AdminStatus, LogEntry, ServerConfig, VideoVariant } from '../types';
import { RecordingUsageSummary } from './Replays';
import { SimulcastBadge } from './Simulcast';

export const DEFAULT_STREAM_KEY = 'abc123';
export const DEFAULT_SERVER_NAME = 'Ownstream';

interface Task {
  key: string;
  done: boolean;
  text: string;
  href: string;
  action: string;
}

export function firstRunTasks(config: ServerConfig): Task[] {
  return [
    {
      key: 'stream-key',
      done: config.streamKey !== DEFAULT_STREAM_KEY,
      text: 'Change the default stream key. It is also your admin password, and everyone knows the default.',
      href: '/admin/config/server/',
      action: 'Change the stream key',
    },
    {
      key: 'name',
      done: config.instanceDetails.name.trim() !== '' && config.instanceDetails.name !== DEFAULT_SERVER_NAME,
      text: 'Give your server a name: it is the title of your page.',
      href: '/admin/config/general/',
      action: 'Set the name',
    },
    {
      key: 'url',
      done: config.yp.instanceUrl.trim() !== '',
      text: 'Set the server URL (the address viewers use), needed for the directory and the Fediverse.',
      href: '/admin/config/general/',
      action: 'Set the server URL',
    },
  ];
}

function GettingStarted({ config }: { config: ServerConfig }) {
  const open = firstRunTasks(config).filter((task) => !task.done);
  if (!open.length) return null;
  return (
    <section class="card card-accent" aria-labelledby="getting-started">
      <h2 id="getting-started">Getting started</h2>
      <ol class="tasks">
        {open.map((task) => (
          <li key={task.key} data-task={task.key}>
            <span>{task.text}</span>
            <a class="button" href={task.href}>
              {task.action}
            </a>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function rtmpUrl(config: ServerConfig): string {
  let host = location.hostname;
  try {
    if (config.yp.instanceUrl) host = new URL(config.yp.instanceUrl).hostname;
  } catch {
    // keep the page's host
  }
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  return `rtmp://${host}:${config.rtmpServerPort}/live`;
}

function ConnectEncoder({ config }: { config: ServerConfig }) {
  const [showKey, setShowKey] = useState(false);
  const url = rtmpUrl(config);
  return (
    <section class="card" aria-labelledby="connect-heading">
      <h2 id="connect-heading">Connect your broadcasting software</h2>
      <p>
        In OBS: <strong>Settings → Stream</strong>, Service <strong>Custom…</strong>, then paste these two values
        and press <strong>Start Streaming</strong>.
      </p>
      <dl class="copy-list">
        <div>
          <dt>Server</dt>
          <dd>
            <code>{url}</code>
            <CopyButton text={url} what="server URL" />
          </dd>
        </div>
        <div>
          <dt>Stream key</dt>
          <dd>
            <code class={showKey ? '' : 'masked'}>
              {showKey ? config.streamKey : '•'.repeat(Math.min(config.streamKey.length, 16))}
            </code>
            <button type="button" class="button" aria-pressed={showKey} onClick={() => setShowKey(!showKey)}>
              {showKey ? 'Hide' : 'Show'}
            </button>
            <CopyButton text={config.streamKey} what="stream key" />
          </dd>
        </div>
      </dl>
    </section>
  );
}

function EmbedCard() {
  const origin = location.origin;
  const video = `<iframe src="${origin}/embed/video" title="Live stream" width="640" height="360" allowfullscreen></iframe>`;
  const chat = `<iframe src="${origin}/embed/chat/readonly" title="Chat" width="320" height="480"></iframe>`;
  return (
    <section class="card" aria-labelledby="embed-heading">
      <h2 id="embed-heading">Embed your video and chat on other sites</h2>
      <dl class="copy-list">
        <div>
          <dt>Video player</dt>
          <dd>
            <code class="wrap">
              {video}
            </code>
            <CopyButton text={video} what="video embed code" />
          </dd>
        </div>
        <div>
          <dt>Chat (read-only, e.g. for an OBS browser source)</dt>
          <dd>
            <code class="wrap">
              {chat}
            </code>
            <CopyButton text={chat} what="chat embed code" />
          </dd>
        </div>
      </dl>
    </section>
  );
}

function variantVideo(variant: VideoVariant): string {
  if (variant.videoPassthrough) return 'Same as source (passthrough)';
  const size =
    variant.scaledWidth || variant.scaledHeight
      ? ` · ${variant.scaledWidth ?? 'auto'}×${variant.scaledHeight ?? 'auto'}`
      : '';
  return `${formatKbps(variant.videoBitrate)} · ${variant.framerate} fps${size}`;
}

function LiveDetails({ status }: { status: AdminStatus }) {
  const [confirm, dialog] = useConfirm();
  const [message, setMessage] = useState<string | null>(null);
  const details = status.broadcaster?.streamDetails;
  const disconnect = async () => {
    const ok = await confirm({
      title: 'Disconnect the encoder?',
      message: 'The stream ends for every viewer. Your broadcasting software may reconnect on its own.',
      confirmLabel: 'Disconnect',
      danger: true,
    });
    if (!ok) return;
    const result = await postJson('/api/admin/disconnect', {});
    setMessage(result.success ? null : result.message);
  };
  return (
    <>
      <div class="stats">
        <Stat
          label="Stream started"
          value={formatRelative(status.broadcaster?.time)}
          hint={formatDateTime(status.broadcaster?.time)}
        />
        <Stat label="Viewers" value={status.viewerCount} />
        <Stat label="Peak viewer count" value={status.sessionPeakViewerCount} hint="this stream" />
      </div>
      <div class="grid-2">
        <section class="card" aria-labelledby="inbound-heading">
          <h2 id="inbound-heading">Inbound stream</h2>
          {details ? (
            <dl class="facts">
              <div>
                <dt>Encoder</dt>
                <dd>{details.encoder || 'Unknown'}</dd>
              </div>
              <div>
                <dt>From</dt>
                <dd>{status.broadcaster?.remoteAddr}</dd>
              </div>
              <div>
                <dt>Video</dt>
                <dd>
                  {details.videoCodec} · {details.width}×{details.height} · {Math.round(details.framerate)} fps ·{' '}
                  {formatKbps(details.videoBitrate)}
                </dd>
              </div>
              <div>
                <dt>Audio</dt>
                <dd>
                  {details.audioCodec}
                  {details.audioBitrate ? ` · ${formatKbps(details.audioBitrate)}` : ''}
                </dd>
              </div>
            </dl>
          ) : (
            <p class="empty-note">The encoder sent no details.</p>
          )}
          <button type="button" class="button danger" onClick={() => void disconnect()}>
            Disconnect the encoder
          </button>
          <ErrorBanner message={message} />
        </section>
        <section class="card" aria-labelledby="outbound-heading">
          <h2 id="outbound-heading">Outbound stream</h2>
          <p class="help">
            {plural(status.currentBroadcast?.outputSettings.length ?? 0, 'rendition')}, latency level{' '}
            {status.currentBroadcast?.latencyLevel.level ?? '—'}.
          </p>
          <DataTable
            caption="Renditions sent to viewers"
            rows={status.currentBroadcast?.outputSettings ?? []}
            rowKey={(variant) => `${variant.name}-${variant.videoBitrate}`}
            empty="No renditions."
            columns={[
              { label: 'Name', render: (variant) => variant.name || 'No name' },
              { label: 'Video', render: variantVideo },
              {
                label: 'Audio',
                render: (variant) => (variant.audioPassthrough ? 'Same as source' : formatKbps(variant.audioBitrate)),
              },
            ]}
          />
        </section>
      </div>
      {dialog}
    </>
  );
}

function RecentWarnings() {
  const warnings = usePoll(() => getJson<LogEntry[]>('/api/admin/logs/warnings'), STATUS_INTERVAL_MS);
  const rows = [...(warnings.data ?? [])].reverse().slice(0, 5);
  return (
    <section class="card" aria-labelledby="warnings-heading">
      <div class="card-head">
        <h2 id="warnings-heading">Recent warnings</h2>
        <a href="/admin/logs/" class="card-link">
          All logs
        </a>
      </div>
      <ErrorBanner message={warnings.error} />
      <DataTable
        caption="The five newest warnings and errors"
        rows={rows}
        rowKey={(entry) => `${entry.time}-${entry.message}`}
        empty="No warnings. All good."
        columns={[
          { label: 'Time', render: (entry) => formatDateTime(entry.time), class: 'nowrap' },
          { label: 'Level', render: (entry) => <span class={`level level-${entry.level}`}>{entry.level}</span> },
          { label: 'Message', render: (entry) => <span class="log-message">{entry.message}</span> },
        ]}
      />
    </section>
  );
}

export function Home() {
  const config = useConfig();
  const { status } = useAdmin();
  const online = status?.online === true;
  return (
    <>
      <PageHeading
        title="Home"
        intro={online ? 'You are live.' : 'No stream is active. Connect your broadcasting software to go live.'}
      />
      <GettingStarted config={config} />
      <SimulcastBadge online={online} />
      {online && status ? (
        <LiveDetails status={status} />
      ) : (
        <>
          <ConnectEncoder config={config} />
          <div class="grid-2">
            <EmbedCard />
            <section class="card" aria-labelledby="next-heading">
              <h2 id="next-heading">More to set up</h2>
              <ul class="link-list">
                {config.chatDisabled && (
                  <li>
                    Chat is disabled. <a href="/admin/config-chat/">Turn it on in the chat settings</a>.
                  </li>
                )}
                {!config.yp.enabled && (
                  <li>
                    Find an audience: <a href="/admin/config/general/">list your server in the Owncast Directory</a>.
                  </li>
                )}
                <li>
                  Choose the quality viewers get: <a href="/admin/config-video">video settings</a>.
                </li>
                <li>
                  Connect bots and tools: <a href="/admin/access-tokens/">access tokens</a> and{' '}
                  <a href="/admin/webhooks/">webhooks</a>.
                </li>
                <li>
                  Not sure what to do next? <a href="/admin/help/">Help</a>.
                </li>
              </ul>
            </section>
          </div>
        </>
      )}
      <RecordingUsageSummary enabled={config.replays?.enabled ?? true} />
      <RecentWarnings />
    </>
  );
}
