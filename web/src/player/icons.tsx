// The player's icons (our own drawings, 24×24). Decorative: every button carrying one has a label.
import type { ComponentChildren } from 'preact';

function Icon({ children, name }: { children: ComponentChildren; name: string }) {
  return (
    <svg class={`player-icon player-icon-${name}`} viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

export const PlayIcon = () => (
  <Icon name="play">
    <path d="M7 4.5v15l13-7.5z" fill="currentColor" />
  </Icon>
);

export const PauseIcon = () => (
  <Icon name="pause">
    <path d="M6.5 4.5h4v15h-4zM13.5 4.5h4v15h-4z" fill="currentColor" />
  </Icon>
);

const speaker = <path d="M3 9.5v5h4l5 4.5V5L7 9.5H3z" fill="currentColor" />;

export const MutedIcon = () => (
  <Icon name="muted">
    {speaker}
    <path d="M16 9.5l5 5m0-5l-5 5" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none" />
  </Icon>
);

export const VolumeIcon = ({ level }: { level: number }) => (
  <Icon name="volume">
    {speaker}
    <path d="M15.5 9a4 4 0 0 1 0 6" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none" />
    {level > 0.5 && (
      <path d="M18 6.5a7.5 7.5 0 0 1 0 11" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none" />
    )}
  </Icon>
);

export const FullscreenIcon = ({ exit }: { exit: boolean }) => (
  <Icon name="fullscreen">
    <path
      d={exit ? 'M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5' : 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5'}
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      fill="none"
    />
  </Icon>
);

export const PictureInPictureIcon = () => (
  <Icon name="pip">
    <rect x="3" y="5" width="18" height="14" rx="2" stroke="currentColor" stroke-width="2" fill="none" />
    <rect x="12" y="11" width="7" height="6" rx="1" fill="currentColor" />
  </Icon>
);

export const GearIcon = () => (
  <Icon name="quality">
    <path
      d="M12 8.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7Zm8.3 4.6-.1-2.2 2-1.6-2-3.4-2.4.9-1.9-1.1L15.5 3h-4l-.4 2.5-1.9 1.1-2.4-.9-2 3.4 2 1.6-.1 2.2-2 1.6 2 3.4 2.4-.9 1.9 1.1.4 2.5h4l.4-2.5 1.9-1.1 2.4.9 2-3.4-2-1.6Z"
      fill="none"
      stroke="currentColor"
      stroke-width="1.6"
      stroke-linejoin="round"
    />
  </Icon>
);
