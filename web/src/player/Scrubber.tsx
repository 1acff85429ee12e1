// The DVR scrubber: a seek bar over the part of the live stream the viewer can rewind, from the oldest
// moment (left) to live (right), with the time behind live ("-1:23:45"). It goes in the control bar's
// timeline slot; the LIVE badge stays the one jump-to-live control. A native range input, so it is a
// slider to assistive technology and takes touch; its keys are ours (Left/Right 10 s, Page Up/Down 60 s,
// Home the oldest, End live), and a run of key presses makes one seek.
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatBehind, scrubKey, spokenBehind } from './dvr';

/** What the scrubber reads and asks of the player. */
export interface ScrubberModel {
  /** Seconds the viewer can go back now, or null when nothing can be rewound (the bar is hidden). */
  reach(): number | null;
  /** Seconds behind live the playhead is (0 at the live edge), or null before it is known. */
  behind(): number | null;
  /** Go to this many seconds behind live (0: the live edge). */
  seek(secondsBehind: number): void;
}

const TICK_MS = 500;
/** Key presses this close together make one seek. */
const KEY_SEEK_DELAY_MS = 350;
/** After a seek, show its target until the player is there (or this long has passed). */
const SETTLE_MS = 4_000;
const SETTLED_WITHIN_S = 3;
/** Less than this to rewind: no bar. */
export const MIN_REACH_S = 5;

export function Scrubber({ model }: { model: ScrubberModel }) {
  const [reach, setReach] = useState<number | null>(null);
  const [behind, setBehind] = useState(0);
  /** What the viewer is choosing (dragging, keys) or has just chosen, in seconds behind. */
  const [chosen, setChosen] = useState<number | null>(null);
  const chosenAt = useRef(0);
  const dragging = useRef(false);
  const keyTimer = useRef<number | undefined>(undefined);

  useEffect(() => {
    const tick = (): void => {
      setReach(model.reach());
      const now = model.behind();
      if (now !== null) setBehind(now);
      setChosen((current) => {
        if (current === null || dragging.current || keyTimer.current !== undefined) return current;
        // Back at the live edge (LIVE, or L) ends any choice; else the choice stands until reached.
        const settled = now === 0 || (now !== null && Math.abs(now - current) <= SETTLED_WITHIN_S);
        return settled || Date.now() - chosenAt.current > SETTLE_MS ? null : current;
      });
    };
    tick();
    const timer = window.setInterval(tick, TICK_MS);
    return () => {
      window.clearInterval(timer);
      window.clearTimeout(keyTimer.current);
    };
  }, [model]);

  if (reach === null || reach < MIN_REACH_S) return null;
  const shown = Math.min(reach, Math.max(0, chosen ?? behind));
  const atLive = shown < 1;

  const commit = (seconds: number): void => {
    chosenAt.current = Date.now();
    setChosen(seconds);
    model.seek(seconds);
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    const next = scrubKey(event.key, shown, reach);
    if (next === null) return;
    event.preventDefault();
    event.stopPropagation();
    chosenAt.current = Date.now();
    setChosen(next);
    window.clearTimeout(keyTimer.current);
    keyTimer.current = window.setTimeout(() => {
      keyTimer.current = undefined;
      commit(next);
    }, KEY_SEEK_DELAY_MS);
  };

  const valueOf = (event: Event): number => -Number((event.currentTarget as HTMLInputElement).value);
  const share = reach > 0 ? (1 - shown / reach) * 100 : 100;
  return (
    <div class={`player-timeline${atLive ? ' at-live' : ''}`}>
      <input
        type="range"
        id="dvr-scrubber"
        class="player-scrubber"
        min={-Math.ceil(reach)}
        max={0}
        step={1}
        value={-Math.round(shown)}
        aria-label="Rewind the live stream"
        aria-valuetext={spokenBehind(shown)}
        style={{ '--scrubber-share': `${share.toFixed(2)}%` }}
        onKeyDown={onKeyDown}
        onPointerDown={() => {
          dragging.current = true;
        }}
        onPointerUp={() => {
          dragging.current = false;
        }}
        onPointerCancel={() => {
          dragging.current = false;
        }}
        onInput={(event) => {
          chosenAt.current = Date.now();
          setChosen(valueOf(event));
        }}
        onChange={(event) => {
          dragging.current = false;
          commit(valueOf(event));
        }}
      />
      <span class="player-timeline-time" aria-hidden="true" title="Time behind live">
        {atLive ? '' : formatBehind(shown)}
      </span>
    </div>
  );
}
