// Under the stream information on the viewer page: the past streams (replays), newest first.
import { useEffect, useState } from 'preact/hooks';
import '../styles/replay.css';
import { fetchReplays, formatDuration, type Replay } from './api';

export function PastStreams() {
  const [replays, setReplays] = useState<Replay[]>([]);
  useEffect(() => {
    fetchReplays().then(setReplays, () => setReplays([]));
  }, []);
  if (replays.length === 0) return null;
  return (
    <section id="past-streams" class="past-streams" aria-label="Past streams">
      <h2>Past streams</h2>
      <ul>
        {replays.map((replay) => (
          <li key={replay.id} class="past-stream">
            <a href={`/replay/${encodeURIComponent(replay.id)}`} target="_self">
              {replay.thumbnail ? (
                <img src={replay.thumbnail} alt="" loading="lazy" />
              ) : (
                <span class="past-stream-blank" aria-hidden="true" />
              )}
              <span class="past-stream-text">
                <span class="past-stream-title">{replay.title || 'Stream'}</span>
                <span class="past-stream-when">
                  {new Date(replay.startTime).toLocaleDateString()} ·{' '}
                  {replay.endTime === null ? 'recording' : formatDuration(replay.duration)}
                </span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
