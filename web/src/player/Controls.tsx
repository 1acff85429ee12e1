// The player's control bar, over the bottom of the picture: play/pause, sound, the LIVE badge, how long
// the stream has been live, then quality, picture-in-picture and fullscreen. No seek bar and no
// duration while live; `timeline` is the slot a seek bar goes into for recordings and DVR.
import type { ComponentChildren } from 'preact';
import { formatElapsed } from '../format';
import { useNow } from '../status';
import { FullscreenIcon, PauseIcon, PictureInPictureIcon, PlayIcon } from './icons';
import type { LiveEdge } from './live-edge';
import { LiveBadge } from './LiveBadge';
import { VolumeControl, type VolumeControlProps } from './VolumeControl';

export interface ControlsProps {
  playing: boolean;
  onTogglePlay: () => void;
  volume: VolumeControlProps;
  /** The live edge while live (the badge shows), else null. */
  liveEdge: LiveEdge | null;
  /** When the broadcast started (ms since the epoch), for the elapsed time; null hides it. */
  liveSince: number | null;
  quality?: ComponentChildren;
  fullscreen: { available: boolean; active: boolean; toggle: () => void };
  pictureInPicture: { available: boolean; toggle: () => void };
  /** Above the buttons: a seek bar for recordings (none while live). */
  timeline?: ComponentChildren;
}

function Elapsed({ since }: { since: number }) {
  const now = useNow(true);
  const text = formatElapsed((now.getTime() - since) / 1000);
  // role="timer" is never announced by itself: screen readers read it when the viewer goes there.
  return (
    <span class="player-elapsed" role="timer" aria-label={`Live for ${text}`} title="Time since the stream started">
      {text}
    </span>
  );
}

export function Controls(props: ControlsProps) {
  const { playing, onTogglePlay, volume, liveEdge, liveSince, quality, fullscreen, pictureInPicture, timeline } = props;
  return (
    <div class="player-controls" role="group" aria-label="Video controls">
      {timeline}
      <div class="player-controls-row">
        <button
          type="button"
          class="player-button player-play-button"
          aria-label={playing ? 'Pause (Space)' : 'Play (Space)'}
          title={playing ? 'Pause (Space)' : 'Play (Space)'}
          onClick={onTogglePlay}
        >
          {playing ? <PauseIcon /> : <PlayIcon />}
        </button>
        <VolumeControl {...volume} />
        {liveEdge && <LiveBadge edge={liveEdge} />}
        {liveEdge && liveSince !== null && <Elapsed since={liveSince} />}
        <span class="player-controls-spacer" />
        {quality}
        {pictureInPicture.available && (
          <button
            type="button"
            class="player-button player-pip-button"
            aria-label="Picture in picture"
            title="Picture in picture"
            onClick={pictureInPicture.toggle}
          >
            <PictureInPictureIcon />
          </button>
        )}
        {fullscreen.available && (
          <button
            type="button"
            class="player-button player-fullscreen-button"
            aria-label={fullscreen.active ? 'Exit fullscreen (F)' : 'Fullscreen (F)'}
            title={fullscreen.active ? 'Exit fullscreen (F)' : 'Fullscreen (F)'}
            onClick={fullscreen.toggle}
          >
            <FullscreenIcon exit={fullscreen.active} />
          </button>
        )}
      </div>
    </div>
  );
}
