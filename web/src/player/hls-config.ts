// hls.js settings for watching a plain-HLS live stream close to its live edge.
import type { HlsConfig, LoaderConfig } from 'hls.js';

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

/** Adds or replaces a `cb=<ms>` query parameter so no cache between us and the server serves a stale playlist. */
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
    // The server writes plain HLS (no partial segments / blocking reloads).
    lowLatencyMode: false,
    // Start two segments behind the live edge instead of hls.js's three: with Owncast's
    // default 3 s segments that is ~6 s of buffer, enough to ride out one slow segment.
    liveSyncDurationCount: 2,
    // Drifted more than 6 segments behind (after stalls): jump back to the sync point.
    liveMaxLatencyDurationCount: 6,
    // In between, play up to 10 % faster until back at the sync point: barely audible, no skip.
    maxLiveSyncPlaybackRate: 1.1,
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
    xhrSetup(xhr: XMLHttpRequest, url: string): void {
      if (/\.m3u8(?:[?#]|$)/.test(url)) xhr.open('GET', withCacheBust(url), true);
    },
  };
}
