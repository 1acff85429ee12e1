// Test-only entry: the player's pure pieces (hls.js settings, the latency compensator's rule, the live edge), bundled by
// tests/web/test_player_units.py with esbuild and exercised in headless chromium. Never shipped.
import Hls from 'hls.js/light';
import { liveHlsConfig, STANDARD_SYNC_SEGMENTS, tuneLiveSync, withCacheBust } from '../src/player/hls-config';
import { CATCH_UP_RATE, compensatedRate } from '../src/player/latency-compensator';
import { BEHIND_LIVE_S, LiveEdge, type LiveTimeline, offersJumpToLive } from '../src/player/live-edge';
import {
  earliestDate,
  formatBehind,
  planSeek,
  positionOfDate,
  rangeOfFragments,
  readDvrInfo,
  scrubKey,
  spokenBehind,
} from '../src/player/dvr';

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

interface LiveEdgeCase {
  paused: boolean;
  /** The player's own measure (hls.js), or null (the browser's own HLS, or not known yet). */
  measured: number | null;
  /** The timeline's target latency (null: the default). */
  target: number | null;
  currentTime: number;
  /** End of the seekable range (null: nothing seekable yet). */
  seekableEnd: number | null;
}

/** What the LIVE badge would show for a video and timeline in this state, and what a jump does: a stand-in
 * video object (only the fields LiveEdge reads), because a real <video> cannot be put in these states. */
function liveEdgeCase(c: LiveEdgeCase): { atEdge: boolean; behind: number | null; wentLive: number; played: boolean } {
  let played = false;
  const ranges = {
    length: c.seekableEnd === null ? 0 : 1,
    start: () => 0,
    end: () => c.seekableEnd ?? 0,
  };
  const video = {
    paused: c.paused,
    currentTime: c.currentTime,
    seekable: ranges,
    buffered: { length: 0, start: () => 0, end: () => 0 },
    play: () => {
      played = true;
      return Promise.resolve();
    },
  } as unknown as HTMLVideoElement;
  let wentLive = 0;
  const timeline: LiveTimeline = {
    secondsBehindLive: () => c.measured,
    targetLatency: () => c.target,
    goLive: () => {
      wentLive += 1;
    },
  };
  const edge = new LiveEdge(video, timeline);
  const atEdge = edge.isAtLiveEdge();
  const behind = edge.secondsBehind();
  edge.jumpToLive();
  return { atEdge, behind, wentLive, played };
}

window.playerUnits = {
  BEHIND_LIVE_S,
  effectiveHlsConfig,
  CATCH_UP_RATE,
  compensatedRate,
  earliestDate,
  formatBehind,
  planSeek,
  positionOfDate,
  rangeOfFragments,
  readDvrInfo,
  scrubKey,
  spokenBehind,
  liveEdgeCase,
  liveHlsConfig,
  offersJumpToLive,
  STANDARD_SYNC_SEGMENTS,
  withCacheBust,
};
