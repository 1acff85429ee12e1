// One attachment of the live stream to a <video> element: hls.js where Media Source is available,
// otherwise the browser's own HLS (Safari, iOS). Destroyed on offline, ended, or a fatal error.
import Hls from 'hls.js/light';
import { liveHlsConfig, tuneLiveSync, withCacheBust } from './hls-config';
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

export function canPlayHls(video: HTMLVideoElement): boolean {
  return Hls.isSupported() || video.canPlayType('application/vnd.apple.mpegurl') !== '';
}

export class StreamAttachment implements LiveTimeline {
  private hls: Hls | null = null;
  private compensator: LatencyCompensator | null = null;
  private reporter: PlaybackReporter | null = null;
  private destroyed = false;
  private lastMediaRecovery = 0;
  private readonly onNativeError = (): void => {
    const code = this.video.error?.code;
    this.fail('the browser could not play the stream', code === 2 ? 'network' : code === 3 || code === 4 ? 'media' : 'other');
  };
  private readonly onNativeReady = (): void => this.callbacks.onReady();

  constructor(
    private readonly video: HTMLVideoElement,
    streamUrl: string,
    /** Which broadcast this attachment belongs to (the status `lastConnectTime`). */
    readonly session: string,
    private readonly callbacks: AttachmentCallbacks,
  ) {
    const url = withCacheBust(streamUrl);
    if (Hls.isSupported()) {
      this.attachHlsJs(url);
    } else {
      video.addEventListener('error', this.onNativeError);
      video.addEventListener('loadedmetadata', this.onNativeReady);
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

  private attachHlsJs(url: string): void {
    const hls = new Hls(liveHlsConfig());
    tuneLiveSync(hls);
    this.hls = hls;
    this.compensator = new LatencyCompensator(hls, this.video);
    this.reporter = new PlaybackReporter(hls, this.video);
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
