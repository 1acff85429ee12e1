// The LIVE badge: always there while the stream is live. At the live edge it is a highlighted label;
// behind it (paused, stalled, buffered far back) it is the button that jumps back to live (also L).
import { useEffect, useState } from 'preact/hooks';
import type { LiveEdge } from './live-edge';

/** How often the badge looks at the playhead. */
const CHECK_MS = 500;

export function useAtLiveEdge(edge: LiveEdge | null): boolean {
  const [atEdge, setAtEdge] = useState(true);
  useEffect(() => {
    if (!edge) return undefined;
    const check = (): void => setAtEdge(edge.isAtLiveEdge());
    check();
    const timer = window.setInterval(check, CHECK_MS);
    return () => window.clearInterval(timer);
  }, [edge]);
  return atEdge;
}

export function LiveBadge({ edge }: { edge: LiveEdge | null }) {
  const atEdge = useAtLiveEdge(edge);
  const label = atEdge ? 'Live: you are watching the live edge' : 'Behind live: jump to live (L)';
  return (
    <button
      type="button"
      id="live-badge"
      class={`live-badge ${atEdge ? 'at-live-edge' : 'behind-live'}`}
      aria-label={label}
      title={atEdge ? 'Live' : 'Jump to live (L)'}
      aria-disabled={atEdge}
      onClick={() => {
        if (!atEdge) edge?.jumpToLive();
      }}
    >
      <span class="live-dot" aria-hidden="true" />
      LIVE
    </button>
  );
}
