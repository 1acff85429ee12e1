// Utilities → Stream Health: how the stream looks from the server — what the encoder sends, what goes
// out, how busy the machine is, recent warnings — and from the players (newer Owncast's
// /api/admin/metrics/video and the `health` of /api/admin/status, fed by /api/metrics/playback).

import { getJson } from '../api';
import { ErrorBanner, PageHeading, Stat } from '../components/bits';
import { formatKbps } from '../format';
import { usePoll } from '../poll';
import { STATUS_INTERVAL_MS, useAdmin } from '../state';
import { TimeChart } from '../components/Chart';
import type { HardwareStats, LogEntry, VideoMetrics } from '../types';

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
      {health.data && <PlayerCharts video={health.data.video} />}
    </>
  );
}
