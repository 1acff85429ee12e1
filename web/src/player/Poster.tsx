// The still image shown over the player while no video plays: the logo when offline, a live
// thumbnail (refreshed every 15 s, swapped in only once loaded) while the stream is up.
import { useEffect, useState } from 'preact/hooks';
import { LOGO_URL, THUMBNAIL_URL } from '../api';

export const THUMBNAIL_REFRESH_MS = 15_000;

export interface PosterProps {
  visible: boolean;
  live: boolean;
}

export function Poster({ visible, live }: PosterProps) {
  const [thumbnail, setThumbnail] = useState<string | null>(null);

  useEffect(() => {
    setThumbnail(null);
    if (!visible || !live) return undefined;
    let cancelled = false;
    const load = (): void => {
      const src = `${THUMBNAIL_URL}?cb=${Date.now()}`;
      const probe = new Image();
      probe.onload = () => {
        if (!cancelled) setThumbnail(src);
      };
      probe.src = src;
    };
    load();
    const timer = window.setInterval(load, THUMBNAIL_REFRESH_MS);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [visible, live]);

  const showThumbnail = live && thumbnail !== null;
  return (
    <div id="oc-custom-poster" class={`poster ${visible ? 'poster-visible' : ''} ${showThumbnail ? 'poster-thumbnail' : 'poster-logo'}`} aria-hidden="true">
      <img src={showThumbnail ? thumbnail : LOGO_URL} alt="" />
    </div>
  );
}
