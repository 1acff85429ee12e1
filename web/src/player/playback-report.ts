// Reports this player's playback to the server every minute, as newer Owncast's player does
// (POST /api/metrics/playback): bandwidth estimate (kbit/s), latency behind live (s), the last segment's
// download time (s), and the errors and quality changes since the previous report. The admin's Stream
// Health page charts them. Only with hls.js (a native player exposes none of this).

import Hls from 'hls.js/light';

export const REPORT_INTERVAL_MS = 60_000;
const ENDPOINT = '/api/metrics/playback';

export class PlaybackReporter {
  private errors = 0;
  private qualityChanges = 0;
  private downloadSeconds = 0;
  private readonly timer: number;

  constructor(
    private readonly hls: Hls,
    private readonly video: HTMLVideoElement,
    intervalMs: number = REPORT_INTERVAL_MS,
  ) {
    hls.on(Hls.Events.ERROR, () => {
      this.errors += 1;
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, () => {
      this.qualityChanges += 1;
    });
    hls.on(Hls.Events.FRAG_LOADED, (_event, data) => {
      // Low-latency playback loads parts; the last part's download is the one to report then.
      const loading = (data.part ?? data.frag).stats.loading;
      if (loading.end > loading.start) this.downloadSeconds = (loading.end - loading.start) / 1000;
    });
    this.timer = window.setInterval(() => void this.send(), intervalMs);
  }

  stop(): void {
    window.clearInterval(this.timer);
  }

  private async send(): Promise<void> {
    if (this.video.paused && this.errors === 0) return; // nothing watched, nothing to say
    const body = {
      bandwidth: Math.round((this.hls.bandwidthEstimate || 0) / 1000),
      latency: Number.isFinite(this.hls.latency) ? this.hls.latency : 0,
      downloadDuration: this.downloadSeconds,
      errors: this.errors,
      qualityVariantChanges: this.qualityChanges,
    };
    this.errors = 0;
    this.qualityChanges = 0;
    try {
      await fetch(ENDPOINT, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        keepalive: true,
      });
    } catch {
      // A lost report is only a missing point on a chart.
    }
  }
}
