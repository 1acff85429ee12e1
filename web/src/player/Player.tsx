// The live player: attaches the stream when the status says "online", starts muted (browsers allow
// muted autoplay) with a "turn sound on" prompt, and shows its own controls (Controls.tsx) over the
// <video>, which has no `controls` attribute. While the stream is offline it shows what the page gives
// it (the offline panel), else the logo. Shared by the viewer page and /embed/video.
import type { ComponentChildren, RefObject } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchVariants, STREAM_URL, type StreamStatus, type Variant } from '../api';
import { type AttachmentSource, canPlayHls, type FailureKind, StreamAttachment } from './attachment';
import { Controls } from './Controls';
import { type DvrInfo, earliestDate, fetchDvrInfo, planSeek } from './dvr';
import { MutedIcon, PlayIcon } from './icons';
import { useIdle } from './idle';
import { BEHIND_LIVE_S, LiveEdge, type LiveTimeline } from './live-edge';
import { LoadingIndicator, type PlayerFailure, PlayerError } from './PlayerStatus';
import { Poster } from './Poster';
import { qualityChoices, type QualityChoice } from './quality';
import { QualityMenu } from './QualityMenu';
import { canFullscreen, canPictureInPicture, isFullscreen, toggleFullscreen, togglePictureInPicture } from './screen-modes';
import { Scrubber, type ScrubberModel } from './Scrubber';
import { handleShortcut } from './shortcuts';
import { loadVolume, saveVolume } from './volume';

/** After the server says "offline", keep playing what is already buffered for at most this long. */
const DRAIN_MAX_MS = 10_000;
/** After a fatal error, wait at least this long before attaching again. */
export const RETRY_AFTER_ERROR_MS = 4_000;
/** Volume given back when the viewer unmutes a player whose volume was 0. */
const UNMUTE_VOLUME = 0.5;
/** How often the DVR state (/api/dvr: the recording's playlist, the server's clock) is asked again. */
const DVR_INFO_REFRESH_MS = 30_000;
const DVR_INFO_RETRY_MS = 5_000;
const LIVE_SOURCE: AttachmentSource = { kind: 'live', url: STREAM_URL };

export interface PlayerState {
  /** The video element is on screen (a stream is attached). */
  showingVideo: boolean;
  /** The broadcast the server still calls "online" has played to its end (#EXT-X-ENDLIST). */
  ended: boolean;
  /** Playing without sound because the browser only allowed muted autoplay (the viewer has not chosen). */
  autoMuted: boolean;
}

/** What the page around the player can ask of it (the phone layout's "turn sound on" bar). */
export interface PlayerControl {
  turnSoundOn(): void;
}

export interface PlayerProps {
  status: StreamStatus | null;
  /** Listen for Space / P / M / F / L / 9 / 0 on the whole document. */
  shortcuts?: boolean;
  onStateChange?: (state: PlayerState) => void;
  /** Shown in the video area while the stream is offline (the page's offline panel). */
  offline?: ComponentChildren;
  /** `outside`: the page shows the "turn sound on" prompt itself, below the picture (phones). */
  soundPrompt?: 'overlay' | 'outside';
  controlRef?: RefObject<PlayerControl | null>;
  /** Touch screen: no volume slider (phones use their buttons), taps show the controls. */
  touch?: boolean;
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

function startTime(status: StreamStatus | null): number | null {
  if (!status?.online || !status.lastConnectTime) return null;
  const time = new Date(status.lastConnectTime).getTime();
  return Number.isNaN(time) ? null : time;
}

export function Player({
  status,
  shortcuts = true,
  onStateChange,
  offline,
  soundPrompt = 'overlay',
  controlRef,
  touch = false,
}: PlayerProps) {
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

  const [attachment, setAttachment] = useState<StreamAttachment | null>(null);
  const [started, setStarted] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [stalled, setStalled] = useState(false);
  const [autoMuted, setAutoMuted] = useState(false);
  const [needsTap, setNeedsTap] = useState(false);
  const [ended, setEnded] = useState(false);
  const [failure, setFailure] = useState<PlayerFailure | null>(null);
  const [muted, setMuted] = useState(true);
  const [volume, setVolume] = useState(1);
  const [variants, setVariants] = useState<Variant[]>([]);
  const [levelUris, setLevelUris] = useState<string[]>([]);
  const [selectedVariant, setSelectedVariant] = useState<number>(-1);
  const [playingLevel, setPlayingLevel] = useState(-1);
  const [menuOpen, setMenuOpen] = useState(false);
  const [fullscreenActive, setFullscreenActive] = useState(false);
  const [dvrInfo, setDvrInfo] = useState<DvrInfo | null>(null);
  const dvrInfoRef = useRef<DvrInfo | null>(null);
  const attached = attachment !== null;

  useEffect(() => {
    void fetchVariants().then(setVariants);
  }, []);

  useEffect(() => {
    onStateChange?.({ showingVideo: attached, ended, autoMuted: attached && autoMuted && !needsTap });
  }, [attached, ended, autoMuted, needsTap, onStateChange]);

  useEffect(() => {
    const onChange = (): void => setFullscreenActive(isFullscreen(containerRef.current));
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const markAutoMuted = (value: boolean): void => {
    autoMutedRef.current = value;
    setAutoMuted(value);
  };

  const detach = useCallback((): void => {
    window.clearTimeout(drainTimerRef.current);
    drainTimerRef.current = undefined;
    attachmentRef.current?.destroy();
    attachmentRef.current = null;
    setAttachment(null);
    setStarted(false);
    setPlaying(false);
    setStalled(false);
    setNeedsTap(false);
    setLevelUris([]);
    setSelectedVariant(-1);
    setPlayingLevel(-1);
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

  /** Plays `source` for `session` in the video element (whatever was attached is replaced). */
  const connect = useCallback(
    (video: HTMLVideoElement, session: string, source: AttachmentSource): void => {
      const created = new StreamAttachment(video, source, session, {
        onLevels: setLevelUris,
        onReady: () => startPlayback(video),
        onLevelSwitched: setPlayingLevel,
        onFatal: (reason: string, kind: FailureKind) => {
          console.warn('Ownstream player: stream stopped:', reason);
          lastFatalRef.current = Date.now();
          detach();
          setFailure({ kind, retryAt: Date.now() + RETRY_AFTER_ERROR_MS });
        },
      });
      attachmentRef.current = created;
      setAttachment(created);
    },
    [detach, startPlayback],
  );

  const attach = useCallback(
    (session: string): void => {
      const video = videoRef.current;
      if (!video || !canPlayHls(video)) return;
      detach();
      setFailure(null);
      const stored = loadVolume();
      if (stored !== null && stored > 0) video.volume = stored;
      const withSound = viewerWantsSoundRef.current && (navigator.userActivation?.hasBeenActive ?? false);
      video.muted = !withSound;
      markAutoMuted(!withSound);
      setMuted(video.muted);
      setVolume(video.volume);
      setEnded(false);
      connect(video, session, LIVE_SOURCE);
    },
    [connect, detach],
  );

  /** DVR: from the live playlist to the recording's and back, the controls staying as they are. */
  const switchSource = useCallback(
    (source: AttachmentSource): void => {
      const video = videoRef.current;
      const current = attachmentRef.current;
      if (!video || !current) return;
      current.destroy();
      setLevelUris([]);
      setSelectedVariant(-1);
      setPlayingLevel(-1);
      connect(video, current.session, source);
    },
    [connect],
  );

  // DVR: how far back this broadcast can be rewound, asked again now and then (the recording's first
  // segment may come later than the viewer; the clock skew drifts).
  const attachedSession = attachment?.session ?? null;
  useEffect(() => {
    dvrInfoRef.current = null;
    setDvrInfo(null);
    if (attachedSession === null) return undefined;
    let cancelled = false;
    let timer: number | undefined;
    const load = (): void => {
      void fetchDvrInfo().then((info) => {
        if (cancelled) return;
        if (info !== null) {
          dvrInfoRef.current = info;
          setDvrInfo(info);
        }
        // Soon again while the recording has nothing yet (the stream has just started).
        const waiting = info === null || (info.recording && info.playlist === null);
        timer = window.setTimeout(load, waiting ? DVR_INFO_RETRY_MS : DVR_INFO_REFRESH_MS);
      });
    };
    load();
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [attachedSession]);

  // Follow the server's status (a new object arrives every poll).
  useEffect(() => {
    if (status === null) return;
    const session = sessionOf(status);
    const current = attachmentRef.current;
    const video = videoRef.current;
    if (session === null) {
      endedSessionRef.current = null;
      setEnded(false);
      setFailure(null);
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

  const retryNow = (): void => {
    const session = sessionOf(status);
    lastFatalRef.current = 0;
    setFailure(null);
    if (session !== null) attach(session);
  };

  const choices: QualityChoice[] = qualityChoices(variants, levelUris);
  const showQuality = attached && variants.length >= 2 && choices.length >= 2;

  const onQualityChange = (variantIndex: number): void => {
    setSelectedVariant(variantIndex);
    const choice = choices.find((c) => c.variantIndex === variantIndex);
    attachmentRef.current?.setLevel(choice ? choice.level : -1);
  };

  const turnSoundOn = useCallback((): void => {
    const video = videoRef.current;
    if (!video) return;
    viewerWantsSoundRef.current = true;
    markAutoMuted(false);
    if (video.volume === 0) video.volume = UNMUTE_VOLUME;
    video.muted = false;
    if (video.paused) startPlayback(video);
    setNeedsTap(false);
  }, [startPlayback]);

  useEffect(() => {
    if (controlRef) controlRef.current = { turnSoundOn };
  }, [controlRef, turnSoundOn]);

  const toggleMute = (): void => {
    const video = videoRef.current;
    if (!video) return;
    if (video.muted || video.volume === 0) turnSoundOn();
    else video.muted = true;
  };

  const changeVolume = (value: number): void => {
    const video = videoRef.current;
    if (!video) return;
    const next = Math.min(1, Math.max(0, Math.round(value * 100) / 100));
    video.volume = next;
    if (next > 0 && video.muted) turnSoundOn();
  };

  const togglePlay = (): void => {
    const video = videoRef.current;
    if (!video) return;
    if (video.paused) startPlayback(video);
    else video.pause();
  };

  const onVolumeChange = (): void => {
    const video = videoRef.current;
    if (!video) return;
    setMuted(video.muted);
    setVolume(video.volume);
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

  const liveEdge = useMemo(() => {
    const video = videoRef.current;
    if (!attachment || !video) return null;
    if (attachment.kind === 'live') return new LiveEdge(video, attachment);
    // On the DVR playlist the viewer is behind live by definition; LIVE switches back to the live playlist.
    const rewound: LiveTimeline = {
      secondsBehindLive: () => Number.POSITIVE_INFINITY,
      targetLatency: () => null,
      goLive: () => switchSource(LIVE_SOURCE),
    };
    return new LiveEdge(video, rewound);
  }, [attachment, switchSource]);

  const scrubber = useMemo<ScrubberModel | null>(() => {
    const video = videoRef.current;
    if (!attachment || !liveEdge || !video) return null;
    const serverNow = (): number => Date.now() + (dvrInfoRef.current?.skew ?? 0);
    return {
      reach: () => {
        const now = serverNow();
        const range = attachment.dateRange();
        const live = attachment.kind === 'live' ? range : null;
        const earliest = earliestDate(dvrInfoRef.current, now, live, attachment.kind === 'dvr' ? range : null);
        return earliest === null ? null : Math.max(0, (now - earliest) / 1000);
      },
      behind: () => {
        if (attachment.kind === 'live' && !attachment.isHeld && liveEdge.isAtLiveEdge()) return 0;
        const date = attachment.playingDate();
        return date === null ? null : Math.max(0, (serverNow() - date) / 1000);
      },
      seek: (secondsBehind: number) => {
        const info = dvrInfoRef.current;
        const plan = planSeek(secondsBehind, {
          source: attachment.kind,
          now: serverNow(),
          liveSlack: liveEdge.targetLatency() + BEHIND_LIVE_S,
          attached: attachment.dateRange(),
          dvrAvailable: info?.playlist != null,
        });
        if (plan.to === 'live') liveEdge.jumpToLive();
        else if (plan.to === 'here') attachment.seekToDate(plan.date);
        else if (info?.playlist) switchSource({ kind: 'dvr', url: info.playlist, startAtDate: plan.date });
      },
    };
  }, [attachment, liveEdge, switchSource]);

  // Keyboard shortcuts, only while a stream is attached.
  useEffect(() => {
    if (!shortcuts || !attached) return undefined;
    const onKey = (event: KeyboardEvent): void => {
      const video = videoRef.current;
      const container = containerRef.current;
      if (!video || !container) return;
      const handled = handleShortcut(event, {
        toggleMute,
        toggleFullscreen: () => toggleFullscreen(container, video),
        togglePlay,
        changeVolume: (delta) => changeVolume(Math.round((video.volume + delta) * 10) / 10),
        jumpToLive: () => liveEdge?.jumpToLive(),
      });
      if (handled) event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const idle = useIdle(containerRef, attached && started && playing && !menuOpen);
  const live = sessionOf(status) !== null && !ended;
  const showOffline = !live && !attached && offline !== undefined;
  const loading = attached && !failure && !needsTap && (!started || stalled);
  const video = videoRef.current;

  const onSurfaceClick = (event: MouseEvent): void => {
    if (!attached || !started) return;
    if (touch || (event as PointerEvent).pointerType === 'touch') return; // a tap shows the controls
    togglePlay();
  };

  const classes = [
    'player',
    attached ? 'player-attached' : 'player-detached',
    started ? 'player-started' : '',
    playing ? 'player-playing' : 'player-paused',
    idle ? 'player-idle' : '',
    showOffline ? 'player-offline' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div ref={containerRef} class={classes}>
      <video
        ref={videoRef}
        id="video"
        class="player-video"
        playsInline
        autoplay
        preload="auto"
        aria-label="Live video"
        onClick={onSurfaceClick}
        onDblClick={() => {
          const container = containerRef.current;
          if (container && video) toggleFullscreen(container, video);
        }}
        onPlaying={() => {
          setStarted(true);
          setPlaying(true);
          setStalled(false);
          setNeedsTap(false);
        }}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onWaiting={() => setStalled(true)}
        onCanPlay={() => setStalled(false)}
        onEnded={onEndedEvent}
        onVolumeChange={onVolumeChange}
      />
      {showOffline ? (
        <div class="player-offline-slot">{offline}</div>
      ) : (
        <Poster visible={!started} live={live} />
      )}
      {loading && <LoadingIndicator stalled={started} />}
      {failure && live && <PlayerError failure={failure} onRetry={retryNow} />}
      {attached && started && autoMuted && !needsTap && soundPrompt === 'overlay' && (
        <button type="button" id="unmute-button" class="player-overlay-button unmute-button" onClick={turnSoundOn}>
          <MutedIcon /> Turn sound on
        </button>
      )}
      {attached && needsTap && (
        <button type="button" id="play-button" class="player-overlay-button play-button" onClick={turnSoundOn}>
          <PlayIcon /> Watch live
        </button>
      )}
      {attached && started && (
        <Controls
          playing={playing}
          onTogglePlay={togglePlay}
          volume={{ muted, volume, slider: !touch, onToggleMute: toggleMute, onVolume: changeVolume }}
          liveEdge={live ? liveEdge : null}
          liveSince={startTime(status)}
          timeline={live && scrubber && dvrInfo && dvrInfo.window > 0 ? <Scrubber model={scrubber} /> : undefined}
          quality={
            showQuality && (
              <QualityMenu
                variants={variants}
                choices={choices}
                selected={selectedVariant}
                playingLevel={playingLevel}
                onSelect={onQualityChange}
                onOpenChange={setMenuOpen}
              />
            )
          }
          fullscreen={{
            available: canFullscreen(containerRef.current, video),
            active: fullscreenActive,
            toggle: () => containerRef.current && video && toggleFullscreen(containerRef.current, video),
          }}
          pictureInPicture={{ available: canPictureInPicture(video), toggle: () => video && togglePictureInPicture(video) }}
        />
      )}
    </div>
  );
}
