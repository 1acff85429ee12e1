// Keeps a low-latency viewer near the live edge. After a stall (or a slow start) playback sits further
// behind than hls.js's target latency (PART-HOLD-BACK); once it is more than a second behind, play a
// little faster (×1.1 at most, barely audible) until back within a quarter of a second. Bounded: never
// faster than CATCH_UP_RATE, never when the buffer is nearly empty (that would stall again), never for a
// viewer far behind on purpose (a pause: the LIVE badge brings them back, live-edge.ts), and off for
// standard HLS, where a few seconds of buffer are the point.
import Hls from 'hls.js/light';

export const CATCH_UP_RATE = 1.1;
/** Start catching up this far behind the target latency (s). */
export const START_BEHIND_S = 1.0;
/** Stop once within this of the target (s). */
export const STOP_BEHIND_S = 0.25;
/** Further behind than this is the viewer's choice (a pause), not drift (s). */
export const MAX_BEHIND_S = 8;
/** Below this much buffered media, play at normal speed (s). */
export const MIN_BUFFER_S = 0.3;
const CHECK_MS = 500;

export interface LatencyReading {
  /** The playlist has parts (low-latency HLS). */
  lowLatency: boolean;
  /** Seconds behind the target latency (negative: ahead), null when unknown. */
  behind: number | null;
  /** Seconds of media buffered ahead of the playhead. */
  bufferAhead: number;
  paused: boolean;
  /** The viewer rewound on purpose (the DVR scrubber): stay where they are. */
  held?: boolean;
}

/** The playback rate to use now; `catchingUp` says whether the last decision was to catch up. */
export function compensatedRate(reading: LatencyReading, catchingUp: boolean): number {
  const { lowLatency, behind, bufferAhead, paused, held = false } = reading;
  if (!lowLatency || paused || held || behind === null || behind > MAX_BEHIND_S || bufferAhead < MIN_BUFFER_S) return 1;
  const threshold = catchingUp ? STOP_BEHIND_S : START_BEHIND_S;
  return behind > threshold ? CATCH_UP_RATE : 1;
}

function bufferedAhead(video: HTMLVideoElement): number {
  const ranges = video.buffered;
  for (let i = 0; i < ranges.length; i += 1) {
    if (ranges.start(i) <= video.currentTime + 0.1 && video.currentTime < ranges.end(i)) {
      return ranges.end(i) - video.currentTime;
    }
  }
  return 0;
}

export class LatencyCompensator {
  private lowLatency = false;
  private catchingUp = false;
  /** The viewer rewound on purpose: no catching up (StreamAttachment.setHeld). */
  held = false;
  private readonly timer: number;
  private readonly onLevelUpdated = (_event: string, data: { details: { partList: unknown[] | null } }): void => {
    this.lowLatency = (data.details.partList?.length ?? 0) > 0;
  };

  constructor(
    private readonly hls: Hls,
    private readonly video: HTMLVideoElement,
  ) {
    hls.on(Hls.Events.LEVEL_UPDATED, this.onLevelUpdated);
    this.timer = window.setInterval(() => this.check(), CHECK_MS);
  }

  /** What the compensator sees now (exposed for tests and the benchmark). */
  reading(): LatencyReading {
    const { hls, video } = this;
    const latency = hls.latency;
    const target = hls.targetLatency;
    const known = Number.isFinite(latency) && latency > 0 && target !== null;
    return {
      lowLatency: this.lowLatency,
      behind: known ? latency - (target ?? 0) : null,
      bufferAhead: bufferedAhead(video),
      paused: video.paused,
      held: this.held,
    };
  }

  private check(): void {
    const rate = compensatedRate(this.reading(), this.catchingUp);
    this.catchingUp = rate > 1;
    if (this.video.playbackRate !== rate) this.video.playbackRate = rate;
  }

  destroy(): void {
    window.clearInterval(this.timer);
    this.hls.off(Hls.Events.LEVEL_UPDATED, this.onLevelUpdated);
    if (this.catchingUp) this.video.playbackRate = 1;
  }
}
