// hls.js settings for watching the live stream close to its live edge: low-latency HLS (parts, blocking
// playlist reload) when the server's playlists carry parts (latency levels 0 and 1), standard HLS otherwise.
import type Hls from 'hls.js/light';
import type { HlsConfig, LoaderConfig } from 'hls.js';

/** Standard HLS: start (and stay) two segments behind the live edge instead of hls.js's three. */
export const STANDARD_SYNC_SEGMENTS = 2;
/** Further behind than this many target durations, hls.js jumps back to its sync point. */
export const MAX_LATENCY_SEGMENTS = 6;

function policy(
  firstByteMs: number,
  loadMs: number,
  timeoutRetries: number,
  errorRetries: number,
  maxDelayMs: number,
): { default: LoaderConfig } {
  return {
    default: {
      maxTimeToFirstByteMs: firstByteMs,
      maxLoadTimeMs: loadMs,
      timeoutRetry: { maxNumRetry: timeoutRetries, retryDelayMs: 0, maxRetryDelayMs: 0 },
      errorRetry: { maxNumRetry: errorRetries, retryDelayMs: 1000, maxRetryDelayMs: maxDelayMs, backoff: 'exponential' },
    },
  };
}

/** Adds or replaces a `cb=<ms>` query parameter (the master playlist only: a variant playlist's URL
 * must stay the same for every viewer, or a cache in front cannot share one blocking reload among them). */
export function withCacheBust(url: string, now: number = Date.now()): string {
  const parsed = new URL(url, location.href);
  parsed.searchParams.set('cb', String(now));
  return parsed.href;
}

export function liveHlsConfig(): Partial<HlsConfig> {
  return {
    // The ES module build of hls.js has no inline worker; build.mjs ships the worker file.
    workerPath: __HLS_WORKER_URL__,
    enableWorker: true,
    // Parts, blocking reloads and delta updates whenever the playlist offers them (hls.js starts
    // PART-HOLD-BACK behind the live edge then); a playlist without them plays as standard HLS.
    lowLatencyMode: true,
    // No liveSyncDurationCount here: set in the user config it would override PART-HOLD-BACK. The
    // standard playlists' two segments go into hls.js's merged config instead (tuneLiveSync).
    // No liveMaxLatencyDurationCount either: hls.js refuses it in the user config without a
    // liveSyncDurationCount (tuneLiveSync sets both in the merged config).
    // hls.js's own catch-up is off: it only acts with more than a second buffered, which a low-latency
    // player never has. latency-compensator.ts does it, bounded, and only for low latency.
    maxLiveSyncPlaybackRate: 1,
    // A stall must not push the target further back each time (hls.js adds 1 s per stall by default):
    // the compensator catches up instead.
    liveSyncOnStallIncrease: 0,
    // Live viewers rarely rewind; keep little played media around (memory on phones and TVs).
    backBufferLength: 15,
    maxBufferLength: 20,
    // Don't fetch a 1080p rendition for a 320 px embed.
    capLevelToPlayerSize: true,
    startLevel: -1,
    // When the stream has just come up the master playlist may briefly 404: retry a few times,
    // then give up (the status poll re-attaches 5 s later if the server still says "online").
    manifestLoadPolicy: policy(10_000, 20_000, 2, 3, 4_000),
    playlistLoadPolicy: policy(10_000, 20_000, 2, 6, 8_000),
    fragLoadPolicy: policy(10_000, 60_000, 4, 6, 8_000),
  };
}

/** After `new Hls(liveHlsConfig())`: standard playlists start two segments behind the edge. Set in the
 * merged config, not the user config, so low-latency playlists keep their PART-HOLD-BACK. */
export function tuneLiveSync(hls: Hls): void {
  hls.config.liveSyncDurationCount = STANDARD_SYNC_SEGMENTS;
  // Drifted more than this many target durations behind (after stalls): jump back to the sync point.
  hls.config.liveMaxLatencyDurationCount = MAX_LATENCY_SEGMENTS;
}
