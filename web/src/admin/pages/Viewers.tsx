// Viewers: current, this session's and all-time peak, and viewers over time (polled every minute).

import { getJson } from '../api';
import { ErrorBanner, PageHeading, Stat } from '../components/bits';
import { TimeChart } from '../components/Chart';
import { usePoll } from '../poll';
import { useAdmin } from '../state';
import type { Sample } from '../types';

const VIEWERS_INTERVAL_MS = 60_000;

export function Viewers() {
  const { status } = useAdmin();
  const history = usePoll(() => getJson<Sample[]>('/api/admin/viewersOverTime'), VIEWERS_INTERVAL_MS);
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
    </>
  );
}
