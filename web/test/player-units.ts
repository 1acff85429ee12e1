// Test-only entry: the player's pure pieces (hls.js settings, the latency compensator's rule), bundled by
// tests/web/test_player_units.py with esbuild and exercised in headless chromium. Never shipped.
import Hls from 'hls.js/light';
import { liveHlsConfig, STANDARD_SYNC_SEGMENTS, tuneLiveSync, withCacheBust } from '../src/player/hls-config';
import {
  CATCH_UP_RATE,
  compensatedRate,
  LIVE_BUTTON_BEHIND_S,
  offersJumpToLive,
} from '../src/player/latency-compensator';

declare global {
  interface Window {
    playerUnits: Record<string, unknown>;
  }
}

/** hls.js itself takes the config (it throws on contradictory settings) and what it ends up with. */
function effectiveHlsConfig(): Record<string, unknown> {
  const hls = new Hls(liveHlsConfig());
  tuneLiveSync(hls);
  const { lowLatencyMode, liveSyncDurationCount, liveMaxLatencyDurationCount, maxLiveSyncPlaybackRate } = hls.config;
  hls.destroy();
  return { lowLatencyMode, liveSyncDurationCount, liveMaxLatencyDurationCount, maxLiveSyncPlaybackRate };
}

window.playerUnits = {
  effectiveHlsConfig,
  CATCH_UP_RATE,
  compensatedRate,
  LIVE_BUTTON_BEHIND_S,
  liveHlsConfig,
  offersJumpToLive,
  STANDARD_SYNC_SEGMENTS,
  withCacheBust,
};
