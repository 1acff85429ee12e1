// Where the playhead is against the live edge, and the jump back to it. The one place for "are we
// live?": the LIVE badge (LiveBadge.tsx) and the L shortcut ask it, and it asks the attachment
// (attachment.ts), which knows what hls.js measures and where its low-latency sync point is.
//
// The live edge is the newest media the playlist offers; the player's *target latency* is how far
// behind it it means to play (hls.js: two segments, or PART-HOLD-BACK in low-latency mode). A viewer
// within BEHIND_LIVE_S of that is watching live: small drift is caught up by itself (the latency
// compensator at low latency, hls.js's own sync otherwise). Paused, or further behind (a long stall),
// the badge turns into the jump-to-live button.

/** What the live edge needs from whatever plays the stream (hls.js, or the browser's own HLS). */
export interface LiveTimeline {
  /** Seconds behind the target latency (negative: ahead), or null when the player does not say. */
  secondsBehindLive(): number | null;
  /** Seconds behind the live edge the player aims for (hls.js `targetLatency`), or null when unknown. */
  targetLatency(): number | null;
  /** Seeks to where playback should sit to be live (hls.js `liveSyncPosition`). */
  goLive(): void;
}

/** Target latency assumed when the player does not say (two 3-second segments, Owncast's default). */
export const DEFAULT_TARGET_LATENCY_S = 6;
/** Paused, or more than this behind the target latency (s): behind live, the badge offers the jump. */
export const BEHIND_LIVE_S = 3;

/** Whether the viewer is behind live: paused, or playback fell well behind the target latency. */
export function offersJumpToLive(paused: boolean, behind: number | null): boolean {
  return paused || (behind !== null && behind > BEHIND_LIVE_S);
}

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

  /** Seconds between the playhead and the end of the seekable range, or null before anything is loaded. */
  latency(): number | null {
    const edge = liveEdgePosition(this.video);
    if (edge === null) return null;
    return Math.max(0, edge - this.video.currentTime);
  }

  /** Seconds behind the target latency: the player's own measure (hls.js), else from the seekable range
   * (the browser's own HLS), null before anything is loaded. */
  secondsBehind(): number | null {
    const measured = this.timeline?.secondsBehindLive() ?? null;
    if (measured !== null) return measured;
    const latency = this.latency();
    return latency === null ? null : latency - this.targetLatency();
  }

  /** Playing, and no more than BEHIND_LIVE_S behind the target latency. */
  isAtLiveEdge(): boolean {
    return !offersJumpToLive(this.video.paused, this.secondsBehind());
  }

  /** Back to the live edge (the player's sync position) and playing. */
  jumpToLive(): void {
    const video = this.video;
    if (this.timeline) {
      this.timeline.goLive();
    } else {
      const edge = liveEdgePosition(video);
      const target = edge !== null ? Math.max(0, edge - this.targetLatency()) : null;
      if (target !== null && Math.abs(target - video.currentTime) > 0.5) video.currentTime = target;
    }
    if (video.paused) void video.play().catch(() => undefined);
  }
}
