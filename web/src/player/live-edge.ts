// Where the playhead is against the live edge, and the jump back to it. One place for "are we live?",
// used by the LIVE badge (LiveBadge.tsx) and the L shortcut; the low-latency player uses the same.
//
// The live edge is the newest media the playlist offers; the player's *target latency* is how far
// behind it it means to play (hls.js: a few segments, or the server's hint in low-latency mode). Within
// that (plus a little slack for segment boundaries and clock jitter) the viewer is watching live;
// further behind (after a pause, a stall, a long buffer), the badge turns into the jump-to-live button.

/** What the live edge needs from whatever plays the stream (hls.js, or the browser's own HLS). */
export interface LiveTimeline {
  /** Where playback should sit to be live (hls.js `liveSyncPosition`), or null when unknown. */
  liveSyncPosition(): number | null;
  /** Seconds behind the live edge the player aims for (hls.js `targetLatency`), or null when unknown. */
  targetLatency(): number | null;
}

/** Target latency assumed when the player does not say (two 3-second segments, Owncast's default). */
export const DEFAULT_TARGET_LATENCY_S = 6;
/** Behind the target by at most this much still counts as live. */
export const LIVE_EDGE_SLACK_S = 2;

/** The newest position the video can play (the end of its seekable range), or null. */
export function liveEdgePosition(video: HTMLVideoElement): number | null {
  const ranges = video.seekable;
  if (ranges.length > 0) {
    const end = ranges.end(ranges.length - 1);
    if (Number.isFinite(end) && end > 0) return end;
  }
  const buffered = video.buffered;
  return buffered.length > 0 ? buffered.end(buffered.length - 1) : null;
}

export class LiveEdge {
  constructor(
    private readonly video: HTMLVideoElement,
    private readonly timeline: LiveTimeline | null,
  ) {}

  /** The latency the player aims for, in seconds. */
  targetLatency(): number {
    const target = this.timeline?.targetLatency();
    return target !== null && target !== undefined && target > 0 ? target : DEFAULT_TARGET_LATENCY_S;
  }

  /** Seconds between the playhead and the live edge, or null before anything is loaded. */
  latency(): number | null {
    const edge = liveEdgePosition(this.video);
    if (edge === null) return null;
    return Math.max(0, edge - this.video.currentTime);
  }

  /** Playing, and no further behind the live edge than `targetLatency` (plus the slack). */
  isAtLiveEdge(targetLatency: number = this.targetLatency()): boolean {
    if (this.video.paused) return false;
    const latency = this.latency();
    return latency === null || latency <= targetLatency + LIVE_EDGE_SLACK_S;
  }

  /** Back to the live edge (the player's sync position) and playing. */
  jumpToLive(): void {
    const video = this.video;
    const sync = this.timeline?.liveSyncPosition() ?? null;
    const edge = liveEdgePosition(video);
    const target = sync ?? (edge !== null ? Math.max(0, edge - this.targetLatency()) : null);
    if (target !== null && Math.abs(target - video.currentTime) > 0.5) video.currentTime = target;
    if (video.paused) void video.play().catch(() => undefined);
  }
}
