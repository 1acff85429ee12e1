// What the player says over the picture when it is not simply playing: loading or stalled (a spinner,
// announced once), or an error that says what happened and offers to try again.
import type { FailureKind } from './attachment';

export function LoadingIndicator({ stalled }: { stalled: boolean }) {
  return (
    <div class="player-loading" role="status">
      <span class="player-spinner" aria-hidden="true" />
      <span class="visually-hidden">{stalled ? 'The video is buffering…' : 'Loading the stream…'}</span>
    </div>
  );
}

export interface PlayerFailure {
  kind: FailureKind;
  /** When the player tries again by itself (ms since the epoch). */
  retryAt: number;
}

const EXPLANATIONS: Record<FailureKind, string> = {
  network: 'The video could not be loaded from the server. The connection may have dropped, or the stream is restarting.',
  media: 'Your browser could not decode the video.',
  other: 'The stream stopped unexpectedly.',
};

export function PlayerError({ failure, onRetry }: { failure: PlayerFailure; onRetry: () => void }) {
  return (
    <div class="player-error" role="alert">
      <p class="player-error-title">The stream could not be played</p>
      <p class="player-error-text">{EXPLANATIONS[failure.kind]} Trying again in a few seconds…</p>
      <button type="button" class="player-error-retry" onClick={onRetry}>
        Try again now
      </button>
    </div>
  );
}
