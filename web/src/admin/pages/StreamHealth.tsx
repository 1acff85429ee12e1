// Utilities → Stream Health: how the stream looks from the server — what the encoder sends, what goes
// out, how busy the machine is, recent warnings — and from the players: each player watching now
// (newer Owncast's development-branch /api/admin/viewers/playback, fed by CMCD reports, the viewer
// page's playback reports or this server timing segments) and the charts of /api/admin/metrics/video
// and the `health` of /api/admin/status.

import { getJson } from '../api';
import { DataTable, ErrorBanner, Loading, PageHeading, Stat } from '../components/bits';
import { describeUserAgent, formatKbps, formatStamp } from '../format';
import { usePoll } from '../poll';
import { STATUS_INTERVAL_MS, useAdmin } from '../state';
import { TimeChart } from '../components/Chart';
import type { HardwareStats, LogEntry, PlaybackClient, PlayerHealth, VideoMetrics } from '../types';

interface Health {
  hardware: HardwareStats;
  warnings: LogEntry[];
  video: VideoMetrics;
}

async function loadHealth(): Promise<Health> {
  const [hardware, warnings, video] = await Promise.all([
    getJson<HardwareStats>('/api/admin/hardwarestats'),
    getJson<LogEntry[]>('/api/admin/logs/warnings'),
    getJson<VideoMetrics>('/api/admin/metrics/video'),
  ]);
  return { hardware, warnings, video };
}

function PlayerCharts({ video }: { video: VideoMetrics }) {
  return (
    <section class="card" aria-labelledby="player-charts">
      <h2 id="player-charts">What the players report</h2>
      <p class="help">
        Viewers' players send their measurements every minute; {video.representation} % of current viewers reported in the last window.
      </p>
      <TimeChart
        title="Player errors and quality changes"
        integer
        series={[
          { label: 'Errors', color: '#d4380d', samples: video.errors },
          { label: 'Quality changes', color: '#4f7cff', samples: video.qualityVariantChanges },
        ]}
      />
      <TimeChart
        title="Latency behind live"
        unit=" s"
        series={[
          { label: 'Lowest', color: '#389e0d', samples: video.lowestLatency },
          { label: 'Median', color: '#4f7cff', samples: video.medianLatency },
          { label: 'Highest', color: '#d4380d', samples: video.highestLatency },
        ]}
      />
      <TimeChart
        title="Player bandwidth"
        unit=" kbit/s"
        integer
        series={[
          { label: 'Lowest', color: '#d4380d', samples: video.minPlayerBitrate },
          { label: 'Median', color: '#4f7cff', samples: video.medianPlayerBitrate },
          { label: 'Highest', color: '#389e0d', samples: video.maxPlayerBitrate },
        ]}
      />
      <TimeChart
        title="Segment download time"
        unit=" s"
        series={[
          { label: 'Fastest', color: '#389e0d', samples: video.minimumSegmentDownloadDuration },
          { label: 'Median', color: '#4f7cff', samples: video.medianSegmentDownloadDuration },
          { label: 'Slowest', color: '#d4380d', samples: video.maximumSegmentDownloadDuration },
        ]}
      />
    </section>
  );
}

/** CMCD's player states (`sta`) the collector keeps. */
const PLAYER_STATES: Record<string, string> = { p: 'Playing', a: 'Paused', w: 'Stalled', k: 'Seeking', e: 'Ended' };

function dash(value: number | null | undefined, show: (value: number) => string): string {
  return value === null || value === undefined ? '—' : show(value);
}

function PlayerState({ health }: { health: PlayerHealth | null }) {
  if (!health) return <span class="muted">Not measured yet</span>;
  const state = health.playerState ? PLAYER_STATES[health.playerState] : undefined;
  if (state) return <span class={`pill ${health.playerState === 'p' ? 'pill-on' : health.playerState === 'w' ? 'pill-warn' : 'pill-off'}`}>{state}</span>;
  if (health.measurementStatus === 'unmeasurable') return <span class="muted">Segments too small to time</span>;
  return <span class="muted">{health.source === 'client' ? 'Reporting' : 'Watching'}</span>;
}

/** A session total; errors above zero stand out. Null: the player never reported it. */
function Counter({ value, alarm = false }: { value: number | null; alarm?: boolean }) {
  if (value === null) return <span class="muted">—</span>;
  return alarm && value > 0 ? <strong class="level level-error">{value}</strong> : <>{value}</>;
}

/** One row per player watching now, refreshed with the rest of the page. */
function PlayersNow({ online }: { online: boolean }) {
  const players = usePoll(() => getJson<PlaybackClient[]>('/api/admin/viewers/playback'), STATUS_INTERVAL_MS);
  const rows = players.data ?? [];
  const measured = rows.filter((row) => row.playback).length;
  return (
    <section class="card" aria-labelledby="players-now">
      <h2 id="players-now">Each player now</h2>
      <p class="help">
        One row per player watching, refreshed every 15 seconds
        {rows.length ? ` (${measured} of ${rows.length} measured)` : ''}. Players that report their playback (CMCD, or this server's viewer
        page) give their own figures; for the others this server times the video segments it sends them. A dash means nothing was
        measured in the last 30 seconds.
      </p>
      <ErrorBanner message={players.error} />
      {!players.data && players.loading ? (
        <Loading what="the players" />
      ) : (
        <div class="players-table">
          <DataTable
            caption="Players watching now"
            rows={rows}
            rowKey={(row) => `${row.viewerID}/${row.clientID}`}
            empty={online ? 'Nobody is watching right now. Players show up here seconds after they start.' : 'Nobody is watching: the stream is offline.'}
            columns={[
              {
                label: 'Player',
                render: (row) => (
                  <span class="player-cell">
                    <span title={row.userAgent}>{describeUserAgent(row.userAgent)}</span>
                    <span class="muted">
                      <code>{row.ipAddress}</code> · <span title={row.clientID}>{row.clientID.slice(0, 8)}</span>
                    </span>
                  </span>
                ),
              },
              { label: 'State', render: (row) => <PlayerState health={row.playback} /> },
              { label: 'Rendition', render: (row) => dash(row.playback?.bitrateKbps, formatKbps) },
              { label: 'Bandwidth', render: (row) => dash(row.playback?.bandwidthKbps, formatKbps) },
              { label: 'Behind live', render: (row) => dash(row.playback?.latencySeconds, (s) => `${s.toFixed(1)} s`) },
              { label: 'Segment download', render: (row) => dash(row.playback?.downloadSeconds, (s) => `${s.toFixed(2)} s`) },
              { label: 'Errors', render: (row) => <Counter value={row.playback?.errorCount ?? null} alarm /> },
              { label: 'Quality changes', render: (row) => <Counter value={row.playback?.qualityVariantChanges ?? null} /> },
              {
                label: 'Last update',
                render: (row) =>
                  row.playback ? (
                    <span class="player-cell">
                      <time dateTime={row.playback.lastUpdate}>{formatStamp(row.playback.lastUpdate)}</time>
                      <span class="muted">{row.playback.source === 'client' ? 'from the player' : 'timed by the server'}</span>
                    </span>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        </div>
      )}
    </section>
  );
}

function advice(online: boolean, cpu: number | null, expected: number, actual: number, recentWarnings: number): string[] {
  const tips: string[] = [];
  if (!online) tips.push('Nothing to check while offline: go live to see the stream’s health.');
  if (cpu !== null && cpu > 85) {
    tips.push('The CPU is nearly full: viewers may see stalls. Lower the CPU level, the frame rate, or the number of variants.');
  }
  if (online && expected > 0 && actual > 0 && actual > expected * 1.5) {
    tips.push('The encoder sends far more than the variants need: lower its bitrate to save upload bandwidth.');
  }
  if (recentWarnings > 0) tips.push(`${recentWarnings} warning(s) in the last hour: see Logs.`);
  if (!tips.length) tips.push('Everything looks fine.');
  return tips;
}

export function StreamHealth() {
  const { status } = useAdmin();
  const health = usePoll(loadHealth, STATUS_INTERVAL_MS);
  const online = status?.online === true;
  const details = status?.broadcaster?.streamDetails;
  const cpuSamples = health.data?.hardware.cpu ?? [];
  const cpu = cpuSamples.length ? cpuSamples[cpuSamples.length - 1].value : null;
  const outputs = status?.currentBroadcast?.outputSettings ?? [];
  const expected = Math.max(0, ...outputs.map((variant) => (variant.videoPassthrough ? 0 : variant.videoBitrate)));
  const hourAgo = Date.now() - 3_600_000;
  const recent = (health.data?.warnings ?? []).filter((entry) => new Date(entry.time).getTime() > hourAgo).length;
  return (
    <>
      <PageHeading title="Stream health" intro="How the stream looks from the server's side." />
      <ErrorBanner message={health.error} />
      <div class="stats">
        <Stat label="Status" value={online ? 'Live' : 'Offline'} />
        <Stat label="Inbound video" value={details ? formatKbps(details.videoBitrate) : '—'} hint={details ? `${details.width}×${details.height} at ${Math.round(details.framerate)} fps` : undefined} />
        <Stat label="Renditions" value={online ? outputs.length : '—'} />
        <Stat label="CPU" value={cpu === null ? '—' : `${cpu.toFixed(0)} %`} />
        <Stat
          label="Players without errors"
          value={status?.health ? `${status.health.healthPercentage} %` : '—'}
          hint={status?.health?.message || undefined}
        />
      </div>
      <section class="card" aria-labelledby="health-advice">
        <h2 id="health-advice">What to look at</h2>
        <ul class="link-list">
          {advice(online, cpu, expected, details?.videoBitrate ?? 0, recent).map((tip) => (
            <li key={tip}>{tip}</li>
          ))}
        </ul>
      </section>
      <PlayersNow online={online} />
      {health.data && <PlayerCharts video={health.data.video} />}
    </>
  );
}
