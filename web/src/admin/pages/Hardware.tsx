// Hardware: CPU, memory and disk use of the server, sampled every minute (polled every 15 s).

import { getJson } from '../api';
import { ErrorBanner, PageHeading, Stat } from '../components/bits';
import { TimeChart } from '../components/Chart';
import { usePoll } from '../poll';
import { STATUS_INTERVAL_MS } from '../state';
import type { HardwareStats, Sample } from '../types';

function latest(samples: Sample[] | undefined): string {
  const last = samples?.[samples.length - 1];
  return last ? `${Math.round(last.value)} %` : '—';
}

export function Hardware() {
  const stats = usePoll(() => getJson<HardwareStats>('/api/admin/hardwarestats'), STATUS_INTERVAL_MS);
  const data = stats.data;
  return (
    <>
      <PageHeading
        title="Hardware use"
        intro="How busy the machine running Ownstream is. A warning is logged when CPU or memory stay above 85 % or the disk above 90 %."
      />
      <ErrorBanner message={stats.error} />
      <div class="stats">
        <Stat label="CPU" value={latest(data?.cpu)} hint="all cores" />
        <Stat label="Memory" value={latest(data?.memory)} hint="used" />
        <Stat label="Disk" value={latest(data?.disk)} hint="used, data folder" />
      </div>
      <section class="card" aria-labelledby="hardware-chart">
        <h2 id="hardware-chart">Over time</h2>
        <TimeChart
          title="Hardware use over time"
          unit=" %"
          integer
          range={[0, 100]}
          series={[
            { label: 'CPU', color: '#4f7cff', samples: data?.cpu ?? [] },
            { label: 'Memory', color: '#e0832f', samples: data?.memory ?? [] },
            { label: 'Disk', color: '#2fa36b', samples: data?.disk ?? [] },
          ]}
        />
      </section>
    </>
  );
}
