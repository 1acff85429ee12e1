// /clip/<id>: a clip of a stream — the video, its title, who cut it, a download, and links back to the
// live stream and to the replay it came from (while that is kept).
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDuration } from './api';
import { type Clip, clipIdFromPath, clipPlaylist, fetchClip, replayExists } from './clips';
import { attach } from './player';

export function ClipPage() {
  const id = clipIdFromPath(location.pathname);
  const [clip, setClip] = useState<Clip | null>(null);
  const [fromReplay, setFromReplay] = useState(false);
  const [error, setError] = useState('');
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (id === null) {
      setError('There is no such clip.');
      return;
    }
    fetchClip(id).then(
      (found) => {
        setClip(found);
        replayExists(found.replayId).then(setFromReplay, () => setFromReplay(false));
      },
      () => setError('There is no such clip.'),
    );
  }, [id]);

  useEffect(() => {
    const element = video.current;
    if (id === null || clip === null || element === null) return undefined;
    const player = attach(element, clipPlaylist(id));
    return () => player.destroy();
  }, [id, clip]);

  useEffect(() => {
    if (clip) document.title = clip.title || 'Clip';
  }, [clip]);

  if (error) {
    return (
      <main id="clip-page" class="replay-page">
        <p class="replay-error clip-error">{error}</p>
        <a href="/">Back to the stream</a>
      </main>
    );
  }
  return (
    <div id="clip-page" class="replay-page">
      <header class="replay-header">
        <a class="replay-home" href="/">
          ← Live stream
        </a>
        <h1>{clip?.title || 'Clip'}</h1>
        {clip && (
          <p class="replay-meta">
            Clip · {new Date(clip.startTime).toLocaleString()} · {formatDuration(clip.duration)}
            {clip.clippedBy && ` · clipped by ${clip.clippedBy}`}
            {fromReplay && (
              <>
                {' · '}
                <a href={`/replay/${encodeURIComponent(clip.replayId)}`}>Whole stream</a>
              </>
            )}
            {' · '}
            <a href={`/clip/${encodeURIComponent(clip.id)}/download.mp4`} download>
              Download
            </a>
          </p>
        )}
      </header>
      <div class="replay-body-row">
        <video id="clip-video" ref={video} controls playsInline preload="auto" />
      </div>
    </div>
  );
}
