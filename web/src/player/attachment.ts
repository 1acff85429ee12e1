// One attachment of the live stream to a <video> element: hls.js where Media Source is available,
// otherwise the browser's own HLS (Safari, iOS). Destroyed on offline, ended, or a fatal error.
import Hls from 'hls.js/light';
import { liveHlsConfig, tuneLiveSync, withCacheBust } from './hls-config';
import { LatencyCompensator } from './latency-compensator';

export interface AttachmentCallbacks {
  /** Playlist URLs of the renditions, in hls.js level order (empty for native playback). */
  onLevels(levelUris: string[]): void;
  /** The manifest is loaded; a good moment to call play(). */
  onReady(): void;
  /** Unrecoverable: the stream is gone or unplayable for now. */
  onFatal(reason: string): void;
}

export function canPlayHls(video: HTMLVideoElement): boolean {
  return Hls.isSupported() || video.canPlayType('application/vnd.apple.mpegurl') !== '';
}

export class StreamAttachment {
  private hls: Hls | null = null;
  private compensator: LatencyCompensator | null = null;
  private destroyed = false;
  private lastMediaRecovery = 0;
  private readonly onNativeError = (): void => this.fail('the browser could not play the stream');
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
   * the browser's own HLS, which does not say where it means to be (there only a pause shows "Live"). */
  secondsBehindLive(): number | null {
    const hls = this.hls;
    if (!hls) return null;
    const latency = hls.latency;
    const target = hls.targetLatency;
    return Number.isFinite(latency) && latency > 0 && target !== null ? latency - target : null;
  }

  /** Back to the live edge (the target latency: PART-HOLD-BACK at the low-latency levels). */
  goLive(): void {
    const hls = this.hls;
    if (hls) {
      const position = hls.liveSyncPosition;
      if (position !== null) this.video.currentTime = position;
      return;
    }
    const ranges = this.video.seekable;
    if (ranges.length) this.video.currentTime = Math.max(ranges.start(ranges.length - 1), ranges.end(ranges.length - 1) - 3);
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
    hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
      this.callbacks.onLevels(data.levels.map((level) => level.uri));
      this.callbacks.onReady();
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal || this.destroyed) return;
      const now = Date.now();
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && now - this.lastMediaRecovery > 10_000) {
        // Decoder hiccups (e.g. a codec change at a discontinuity) are usually recoverable once.
        this.lastMediaRecovery = now;
        hls.recoverMediaError();
        return;
      }
      this.fail(`${data.type}: ${data.details}`);
    });
    hls.loadSource(url);
    hls.attachMedia(this.video);
  }

  private fail(reason: string): void {
    if (this.destroyed) return;
    this.callbacks.onFatal(reason);
  }
}
