// Test-only entry: the player's pure pieces (hls.js settings, the latency compensator's rule), bundled by
// tests/web/test_player_units.py with esbuild and exercised in headless chromium. Never shipped.
import { liveHlsConfig, STANDARD_SYNC_SEGMENTS, withCacheBust } from '../src/player/hls-config';
import { CATCH_UP_RATE, compensatedRate } from '../src/player/latency-compensator';

declare global {
  interface Window {
    playerUnits: Record<string, unknown>;
  }
}

window.playerUnits = { CATCH_UP_RATE, compensatedRate, liveHlsConfig, STANDARD_SYNC_SEGMENTS, withCacheBust };
