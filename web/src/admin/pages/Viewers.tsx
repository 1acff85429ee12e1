// Viewers: current, this session's and all-time peak, viewers over time (polled every minute), and who is
// watching now (newer Owncast's /api/admin/viewers, polled every 15 s).

import { getJson } from '../api';
import { DataTable, ErrorBanner, PageHeading, Stat } from '../components/bits';
import { TimeChart } from '../components/Chart';
import { usePoll } from '../poll';
import { useAdmin } from '../state';
import { describeUserAgent, formatDateTime } from '../format';
import type { ActiveViewer, Sample } from '../types';

const VIEWERS_INTERVAL_MS = 60_000;
const ACTIVE_INTERVAL_MS = 15_000;

export function Viewers() {
  const { status } = useAdmin();
  const history = usePoll(() => getJson<Sample[]>('/api/admin/viewersOverTime'), VIEWERS_INTERVAL_MS);
  const active = usePoll(() => getJson<ActiveViewer[]>('/api/admin/viewers'), ACTIVE_INTERVAL_MS);
  const online = status?.online === true;
  return (
    <>
      <PageHeading title="Viewers" intro="A viewer is a browser or player that fetched the stream in the last 15 seconds." />
      <div class="stats">
        {online && <Stat label="Current viewers" value={status?.viewerCount ?? 0} />}
        <Stat
          label={online ? 'Max viewers this session' : 'Max viewers last session'}
          value={status?.sessionPeakViewerCount ?? '—'}
        />
        <Stat label="All-time max viewers" value={status?.overallPeakViewerCount ?? '—'} />
      </div>
      <section class="card" aria-labelledby="viewers-chart">
        <h2 id="viewers-chart">Viewers over time</h2>
        <ErrorBanner message={history.error} />
        <TimeChart
          title="Viewers over time"
          integer
          series={[{ label: 'Viewers', color: '#4f7cff', samples: history.data ?? [] }]}
        />
      </section>
      <section class="card" aria-labelledby="active-viewers">
        <h2 id="active-viewers">Watching now</h2>
        <p class="help">
          How each of their players is doing (rendition, latency, stalls, errors) is on <a href="/admin/stream-health">Stream Health</a>.
        </p>
        <ErrorBanner message={active.error} />
        <DataTable
          caption="Active viewers"
          rows={active.data ?? []}
          rowKey={(row) => row.clientID}
          empty="Nobody is watching right now."
          columns={[
            { label: 'Browser', render: (row) => <span title={row.userAgent}>{describeUserAgent(row.userAgent)}</span> },
            { label: 'Address', render: (row) => <code>{row.ipAddress}</code> },
            { label: 'Watching since', render: (row) => formatDateTime(row.firstSeen) },
            {
              label: 'Location',
              render: (row) => (row.geo?.countryCode ? [row.geo.regionName, row.geo.countryCode].filter(Boolean).join(', ') : '—'),
            },
          ]}
        />
      </section>
    </>
  );
}
