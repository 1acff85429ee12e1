// The live player: attaches the stream when the status says "online", starts muted (browsers
// allow muted autoplay) with a big "turn sound on" button, and falls back to the poster when the
// stream goes away. Shared by the viewer page and /embed/video.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { fetchVariants, STREAM_URL, type StreamStatus, type Variant } from '../api';
import { canPlayHls, StreamAttachment } from './attachment';
import { offersJumpToLive } from './latency-compensator';
import { Poster } from './Poster';
import { qualityChoices, type QualityChoice } from './quality';
import { handleShortcut } from './shortcuts';
import { loadVolume, saveVolume } from './volume';

/** After the server says "offline", keep playing what is already buffered for at most this long. */
const DRAIN_MAX_MS = 10_000;
/** After a fatal error, wait at least this long before attaching again. */
const RETRY_AFTER_ERROR_MS = 4_000;
/** How often to check whether the viewer is behind the live edge (for the "Live" button). */
const LIVE_CHECK_MS = 1_000;

export interface PlayerState {
  /** The video element is on screen (a stream is attached). */
  showingVideo: boolean;
  /** The broadcast the server still calls "online" has played to its end (#EXT-X-ENDLIST). */
  ended: boolean;
}

export interface PlayerProps {
  status: StreamStatus | null;
  /** Listen for M / F / Space / P / 9 / 0 on the whole document. */
  shortcuts?: boolean;
  onStateChange?: (state: PlayerState) => void;
}

function sessionOf(status: StreamStatus | null): string | null {
  if (!status || !status.online) return null;
  return status.lastConnectTime ?? 'live';
}

function bufferedAhead(video: HTMLVideoElement): number {
  const ranges = video.buffered;
  if (ranges.length === 0) return 0;
  return Math.max(0, ranges.end(ranges.length - 1) - video.currentTime);
}

export function Player({ status, shortcuts = true, onStateChange }: PlayerProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const attachmentRef = useRef<StreamAttachment | null>(null);
  const endedSessionRef = useRef<string | null>(null);
  const drainTimerRef = useRef<number | undefined>(undefined);
  const lastFatalRef = useRef(0);
  /** True while the mute is ours (autoplay), not the viewer's. */
  const autoMutedRef = useRef(false);
  /** The viewer turned sound on during this visit: later attachments may try to start with sound. */
  const viewerWantsSoundRef = useRef(false);

  const [attached, setAttached] = useState(false);
  const [started, setStarted] = useState(false);
  const [autoMuted, setAutoMuted] = useState(false);
  const [needsTap, setNeedsTap] = useState(false);
  const [ended, setEnded] = useState(false);
  const [variants, setVariants] = useState<Variant[]>([]);
  const [levelUris, setLevelUris] = useState<string[]>([]);
  const [selectedVariant, setSelectedVariant] = useState<number>(-1);
  const [behindLive, setBehindLive] = useState(false);

  useEffect(() => {
    void fetchVariants().then(setVariants);
  }, []);

  useEffect(() => {
    onStateChange?.({ showingVideo: attached, ended });
  }, [attached, ended, onStateChange]);

  const markAutoMuted = (value: boolean): void => {
    autoMutedRef.current = value;
    setAutoMuted(value);
  };

  const detach = useCallback((): void => {
    window.clearTimeout(drainTimerRef.current);
    drainTimerRef.current = undefined;
    attachmentRef.current?.destroy();
    attachmentRef.current = null;
    setAttached(false);
    setStarted(false);
    setNeedsTap(false);
    setLevelUris([]);
    setSelectedVariant(-1);
    setBehindLive(false);
    markAutoMuted(false);
  }, []);

  const startPlayback = useCallback((video: HTMLVideoElement): void => {
    video.play().catch((error: unknown) => {
      if (!(error instanceof DOMException) || error.name !== 'NotAllowedError') return; // AbortError etc.
      if (!video.muted) {
        // Sound was refused: fall back to muted autoplay.
        video.muted = true;
        markAutoMuted(true);
        startPlayback(video);
      } else {
        setNeedsTap(true);
      }
    });
  }, []);

  const attach = useCallback(
    (session: string): void => {
      const video = videoRef.current;
      if (!video || !canPlayHls(video)) return;
      detach();
      const stored = loadVolume();
      if (stored !== null && stored > 0) video.volume = stored;
      const withSound = viewerWantsSoundRef.current && (navigator.userActivation?.hasBeenActive ?? false);
      video.muted = !withSound;
      markAutoMuted(!withSound);
      setEnded(false);
      attachmentRef.current = new StreamAttachment(video, STREAM_URL, session, {
        onLevels: setLevelUris,
        onReady: () => startPlayback(video),
        onFatal: (reason) => {
          console.warn('Ownstream player: stream stopped:', reason);
          lastFatalRef.current = Date.now();
          detach();
        },
      });
      setAttached(true);
    },
    [detach, startPlayback],
  );

  // Follow the server's status (a new object arrives every poll).
  useEffect(() => {
    if (status === null) return;
    const session = sessionOf(status);
    const current = attachmentRef.current;
    const video = videoRef.current;
    if (session === null) {
      endedSessionRef.current = null;
      setEnded(false);
      if (!current || drainTimerRef.current !== undefined) return;
      // Let the viewer hear the last buffered seconds, then show the offline state.
      const remainingMs = video && !video.paused ? bufferedAhead(video) * 1000 + 500 : 0;
      drainTimerRef.current = window.setTimeout(detach, Math.min(DRAIN_MAX_MS, remainingMs));
      return;
    }
    if (current && current.session === session) {
      // Same broadcast (maybe after a brief "offline" blip): keep playing.
      window.clearTimeout(drainTimerRef.current);
      drainTimerRef.current = undefined;
      return;
    }
    if (endedSessionRef.current === session) return;
    if (Date.now() - lastFatalRef.current < RETRY_AFTER_ERROR_MS) return;
    attach(session);
  }, [status, attach, detach]);

  useEffect(() => () => attachmentRef.current?.destroy(), []);

  const choices: QualityChoice[] = qualityChoices(variants, levelUris);
  const showQuality = attached && variants.length >= 2 && choices.length >= 2;

  const onQualityChange = (value: string): void => {
    const variantIndex = Number(value);
    setSelectedVariant(variantIndex);
    const choice = choices.find((c) => c.variantIndex === variantIndex);
    attachmentRef.current?.setLevel(choice ? choice.level : -1);
  };

  const turnSoundOn = (): void => {
    const video = videoRef.current;
    if (!video) return;
    viewerWantsSoundRef.current = true;
    markAutoMuted(false);
    if (video.volume === 0) video.volume = 0.5;
    video.muted = false;
    if (video.paused) startPlayback(video);
    setNeedsTap(false);
  };

  const onVolumeChange = (): void => {
    const video = videoRef.current;
    if (!video) return;
    if (autoMutedRef.current) {
      if (video.muted) return; // our own autoplay mute: not the viewer's choice
      markAutoMuted(false);
    }
    if (!video.muted && video.volume > 0) viewerWantsSoundRef.current = true;
    saveVolume(video.muted ? 0 : video.volume);
  };

  const onEndedEvent = (): void => {
    const current = attachmentRef.current;
    if (!current) return;
    // The playlist said #EXT-X-ENDLIST and we played it out: this broadcast is over.
    endedSessionRef.current = current.session;
    setEnded(true);
    detach();
  };

  // Keyboard shortcuts, only while a stream is attached.
  useEffect(() => {
    if (!shortcuts || !attached) return undefined;
    const onKey = (event: KeyboardEvent): void => {
      const video = videoRef.current;
      const container = containerRef.current;
      if (!video || !container) return;
      const handled = handleShortcut(event, {
        toggleMute: () => {
          if (video.muted || video.volume === 0) turnSoundOn();
          else video.muted = true;
        },
        toggleFullscreen: () => toggleFullscreen(container, video),
        togglePlay: () => {
          if (video.paused) startPlayback(video);
          else video.pause();
        },
        changeVolume: (delta) => {
          const volume = Math.min(1, Math.max(0, Math.round((video.volume + delta) * 10) / 10));
          video.volume = volume;
          if (volume > 0 && video.muted) turnSoundOn();
        },
      });
      if (handled) event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [shortcuts, attached, startPlayback]);

  // The "Live" button: after a pause (or a long stall) the viewer is behind; one click goes back.
  useEffect(() => {
    if (!attached || !started) return undefined;
    const timer = window.setInterval(() => {
      const video = videoRef.current;
      const attachment = attachmentRef.current;
      if (!video || !attachment) return;
      setBehindLive(offersJumpToLive(video.paused, attachment.secondsBehindLive()));
    }, LIVE_CHECK_MS);
    return () => window.clearInterval(timer);
  }, [attached, started]);

  const goLive = (): void => {
    const video = videoRef.current;
    if (!video) return;
    attachmentRef.current?.goLive();
    startPlayback(video);
    setBehindLive(false);
  };

  const live = sessionOf(status) !== null && !ended;
  return (
    <div ref={containerRef} class={`player ${attached ? 'player-attached' : 'player-detached'} ${started ? 'player-started' : ''}`}>
      <video
        ref={videoRef}
        id="video"
        class="player-video"
        controls={attached}
        playsInline
        autoplay
        preload="auto"
        aria-label="Live video"
        onPlaying={() => {
          setStarted(true);
          setNeedsTap(false);
        }}
        onEnded={onEndedEvent}
        onVolumeChange={onVolumeChange}
      />
      <Poster visible={!started} live={live} />
      {attached && started && autoMuted && !needsTap && (
        <button type="button" id="unmute-button" class="player-overlay-button unmute-button" onClick={turnSoundOn}>
          <MutedIcon /> Turn sound on
        </button>
      )}
      {attached && needsTap && (
        <button type="button" id="play-button" class="player-overlay-button play-button" onClick={turnSoundOn}>
          <PlayIcon /> Watch live
        </button>
      )}
      {attached && started && behindLive && !needsTap && (
        <button type="button" id="live-button" class="player-overlay-button live-button" onClick={goLive}>
          <LiveIcon /> Live
        </button>
      )}
      {showQuality && (
        <label class="quality-menu">
          <span class="visually-hidden">Video quality</span>
          <select id="quality-selector" value={String(selectedVariant)} onChange={(e) => onQualityChange(e.currentTarget.value)}>
            <option value="-1">Auto</option>
            {variants.map((v) => {
              const available = choices.some((c) => c.variantIndex === v.index);
              return (
                <option key={v.index} value={String(v.index)} disabled={!available}>
                  {v.name}
                </option>
              );
            })}
          </select>
        </label>
      )}
    </div>
  );
}

function toggleFullscreen(container: HTMLElement, video: HTMLVideoElement): void {
  if (document.fullscreenElement) {
    void document.exitFullscreen().catch(() => undefined);
    return;
  }
  if (typeof container.requestFullscreen === 'function') {
    void container.requestFullscreen().catch(() => undefined);
    return;
  }
  // iOS Safari only offers fullscreen on the video element itself.
  const webkitVideo = video as HTMLVideoElement & { webkitEnterFullscreen?: () => void };
  webkitVideo.webkitEnterFullscreen?.();
}

function MutedIcon() {
  return (
    <svg class="overlay-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path d="M3 9.5v5h4l5 4.5V5L7 9.5H3z" fill="currentColor" />
      <path d="M16 9.5l5 5m0-5l-5 5" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none" />
    </svg>
  );
}

function LiveIcon() {
  return (
    <svg class="overlay-icon" viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
      <circle cx="12" cy="12" r="7" fill="#e0245e" />
    </svg>
  );
}

function PlayIcon() {
  return (
    <svg class="overlay-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path d="M7 4.5v15l13-7.5z" fill="currentColor" />
    </svg>
  );
}
