// Mute button and volume slider. The volume and the mute are the viewer's (remembered by the player
// through the video's volumechange, see volume.ts); a slider moved up from 0 unmutes.
import { MutedIcon, VolumeIcon } from './icons';

export interface VolumeControlProps {
  muted: boolean;
  volume: number;
  /** Touch screens: phones set the volume with their buttons, so only the mute button shows. */
  slider: boolean;
  onToggleMute: () => void;
  onVolume: (volume: number) => void;
}

export function VolumeControl({ muted, volume, slider, onToggleMute, onVolume }: VolumeControlProps) {
  const silent = muted || volume === 0;
  const percent = Math.round((silent ? 0 : volume) * 100);
  return (
    <div class="player-volume">
      <button
        type="button"
        class="player-button player-mute-button"
        aria-label={silent ? 'Unmute (M)' : 'Mute (M)'}
        title={silent ? 'Unmute (M)' : 'Mute (M)'}
        onClick={onToggleMute}
      >
        {silent ? <MutedIcon /> : <VolumeIcon level={volume} />}
      </button>
      {slider && (
        <input
          type="range"
          class="player-volume-slider"
          min={0}
          max={100}
          step={5}
          value={percent}
          aria-label="Volume"
          aria-valuetext={`${percent}%`}
          style={{ '--volume-fill': `${percent}%` }}
          onInput={(event) => onVolume(Number((event.currentTarget as HTMLInputElement).value) / 100)}
        />
      )}
    </div>
  );
}
