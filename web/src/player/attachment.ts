// One attachment of the live stream to a <video> element: hls.js where Media Source is available,
// otherwise the browser's own HLS (Safari, iOS). Destroyed on offline, ended, or a fatal error.
import Hls from 'hls.js/light';
import { type DateRange, positionOfDate, rangeOfFragments } from './dvr';
import { liveHlsConfig, MAX_LATENCY_SEGMENTS, tuneLiveSync, withCacheBust } from './hls-config';
import { LatencyCompensator } from './latency-compensator';
import { PlaybackReporter } from './playback-report';
import type { LiveTimeline } from './live-edge';

/** What went wrong, in the viewer's terms: the network (or the server), or the video itself. */
export type FailureKind = 'network' | 'media' | 'other';

export interface AttachmentCallbacks {
  /** Playlist URLs of the renditions, in hls.js level order (empty for native playback). */
  onLevels(levelUris: string[]): void;
  /** The manifest is loaded; a good moment to call play(). */
  onReady(): void;
  /** Unrecoverable: the stream is gone or unplayable for now. */
  onFatal(reason: string, kind: FailureKind): void;
  /** hls.js switched to another rendition (its level index). */
  onLevelSwitched?(level: number): void;
}

/** The browser's own HLS has no sync position: go back to this far before the end of the seekable range. */
const NATIVE_LIVE_OFFSET_S = 3;

/** Which playlist an attachment plays: the live one, or the DVR playlist of the recording being made. */
export interface AttachmentSource {
  kind: 'live' | 'dvr';
  url: string;
  /** Start at this moment (ms, server clock) instead of the live edge (the DVR playlist). */
  startAtDate?: number;
}

type NativeVideo = HTMLVideoElement & { getStartDate?: () => Date };

function nativeStartDate(video: HTMLVideoElement): number | null {
  const start = (video as NativeVideo).getStartDate?.().getTime();
  return start === undefined || Number.isNaN(start) ? null : start;
}

export function canPlayHls(video: HTMLVideoElement): boolean {
  return Hls.isSupported() || video.canPlayType('application/vnd.apple.mpegurl') !== '';
}

export class StreamAttachment implements LiveTimeline {
  private hls: Hls | null = null;
  private compensator: LatencyCompensator | null = null;
  private reporter: PlaybackReporter | null = null;
  private destroyed = false;
  private lastMediaRecovery = 0;
  /** The viewer went back on purpose: hls.js must not snap to the live edge, nor the compensator catch up. */
  private held = false;
  readonly kind: 'live' | 'dvr';
  private readonly onNativeError = (): void => {
    const code = this.video.error?.code;
    this.fail('the browser could not play the stream', code === 2 ? 'network' : code === 3 || code === 4 ? 'media' : 'other');
  };
  private readonly onNativeReady = (): void => this.callbacks.onReady();

  constructor(
    private readonly video: HTMLVideoElement,
    source: AttachmentSource | string,
    /** Which broadcast this attachment belongs to (the status `lastConnectTime`). */
    readonly session: string,
    private readonly callbacks: AttachmentCallbacks,
  ) {
    const { kind, url: sourceUrl, startAtDate } = typeof source === 'string' ? { kind: 'live' as const, url: source } : source;
    this.kind = kind;
    // The master playlist is cache-busted; the DVR playlist's URL is shared by the viewers who rewind.
    const url = kind === 'live' ? withCacheBust(sourceUrl) : sourceUrl;
    if (Hls.isSupported()) {
      this.attachHlsJs(url, startAtDate);
    } else {
      video.addEventListener('error', this.onNativeError);
      video.addEventListener('loadedmetadata', this.onNativeReady);
      this.held = kind === 'dvr';
      if (startAtDate !== undefined) {
        video.addEventListener('loadedmetadata', () => this.seekToDate(startAtDate), { once: true });
      }
      video.src = url;
      callbacks.onLevels([]);
    }
  }

  get usesHlsJs(): boolean {
    return this.hls !== null;
  }

  /** Seconds behind where the player means to be (hls.js's target latency); null when unknown, and for
   * the browser's own HLS, which does not say where it means to be (LiveEdge then measures the seekable
   * range itself). */
  secondsBehindLive(): number | null {
    const hls = this.hls;
    if (!hls) return null;
    const latency = hls.latency;
    const target = hls.targetLatency;
    return Number.isFinite(latency) && latency > 0 && target !== null ? latency - target : null;
  }

  /** Seeks back to the live edge (hls.js's sync position: PART-HOLD-BACK at the low-latency levels);
   * playing again is the caller's part (LiveEdge.jumpToLive). */
  goLive(): void {
    const video = this.video;
    this.setHeld(false);
    let position: number | null = null;
    if (this.hls) {
      position = this.hls.liveSyncPosition;
    } else {
      const ranges = video.seekable;
      if (ranges.length) position = Math.max(ranges.start(ranges.length - 1), ranges.end(ranges.length - 1) - NATIVE_LIVE_OFFSET_S);
    }
    // A seek to where the playhead already is would only flush the buffer.
    if (position !== null && Math.abs(position - video.currentTime) > 0.5) video.currentTime = position;
  }

  /** The latency hls.js aims for (null for the browser's own HLS). */
  targetLatency(): number | null {
    return this.hls?.targetLatency ?? null;
  }

  /** The moment (ms, server clock) of what plays now (EXT-X-PROGRAM-DATE-TIME), or null before it is known. */
  playingDate(): number | null {
    if (this.hls) return this.hls.playingDate?.getTime() ?? null;
    const start = nativeStartDate(this.video);
    return start === null ? null : start + this.video.currentTime * 1000;
  }

  /** The moments the attached playlist covers now, or null before it is loaded. */
  dateRange(): DateRange | null {
    if (this.hls) {
      const fragments = this.hls.latestLevelDetails?.fragments;
      return fragments ? rangeOfFragments(fragments) : null;
    }
    const start = nativeStartDate(this.video);
    const ranges = this.video.seekable;
    if (start === null || !ranges.length) return null;
    return { start: start + ranges.start(0) * 1000, end: start + ranges.end(ranges.length - 1) * 1000 };
  }

  /** Plays from `date` (ms, server clock), held there (no snapping back to the live edge); false when the
   * playlist is not loaded yet. */
  seekToDate(date: number): boolean {
    let position: number | null = null;
    if (this.hls) {
      const fragments = this.hls.latestLevelDetails?.fragments;
      position = fragments ? positionOfDate(fragments, date) : null;
    } else {
      const start = nativeStartDate(this.video);
      position = start === null ? null : Math.max(0, (date - start) / 1000);
    }
    if (position === null) return false;
    this.setHeld(true);
    this.video.currentTime = position;
    return true;
  }

  /** Holds the playhead where the viewer put it (true), or lets the player keep to the live edge again. */
  setHeld(held: boolean): void {
    this.held = held;
    if (this.hls) this.hls.config.liveMaxLatencyDurationCount = held ? Infinity : MAX_LATENCY_SEGMENTS;
    if (this.compensator) this.compensator.held = held;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Picks an hls.js level (-1 = automatic). */
  setLevel(level: number): void {
    if (this.hls) this.hls.currentLevel = level;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.compensator?.destroy();
    this.compensator = null;
    this.reporter?.stop();
    this.reporter = null;
    if (this.hls) {
      this.hls.destroy();
      this.hls = null;
    } else {
      this.video.removeEventListener('error', this.onNativeError);
      this.video.removeEventListener('loadedmetadata', this.onNativeReady);
    }
    this.video.removeAttribute('src');
    this.video.load();
  }

  private attachHlsJs(url: string, startAtDate: number | undefined): void {
    const config = liveHlsConfig();
    if (this.kind === 'dvr') {
      // The DVR playlist is a standard EVENT playlist; its load starts where the viewer asked to be.
      config.lowLatencyMode = false;
      config.autoStartLoad = startAtDate === undefined;
    }
    const hls = new Hls(config);
    tuneLiveSync(hls);
    this.hls = hls;
    if (this.kind === 'live') {
      this.compensator = new LatencyCompensator(hls, this.video);
      // The admin's stream health charts live playback (a rewound viewer's latency is their choice).
      this.reporter = new PlaybackReporter(hls, this.video);
    }
    if (this.kind === 'dvr') this.setHeld(true);
    if (startAtDate !== undefined) {
      hls.once(Hls.Events.LEVEL_LOADED, (_event, data) => {
        hls.startLoad(positionOfDate(data.details.fragments, startAtDate) ?? -1);
      });
    }
    hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
      this.callbacks.onLevels(data.levels.map((level) => level.uri));
      this.callbacks.onReady();
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => this.callbacks.onLevelSwitched?.(data.level));
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal || this.destroyed) return;
      const now = Date.now();
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && now - this.lastMediaRecovery > 10_000) {
        // Decoder hiccups (e.g. a codec change at a discontinuity) are usually recoverable once.
        this.lastMediaRecovery = now;
        hls.recoverMediaError();
        return;
      }
      const kind: FailureKind =
        data.type === Hls.ErrorTypes.NETWORK_ERROR ? 'network' : data.type === Hls.ErrorTypes.MEDIA_ERROR ? 'media' : 'other';
      this.fail(`${data.type}: ${data.details}`, kind);
    });
    hls.loadSource(url);
    hls.attachMedia(this.video);
  }

  private fail(reason: string, kind: FailureKind): void {
    if (this.destroyed) return;
    this.callbacks.onFatal(reason, kind);
  }
}
