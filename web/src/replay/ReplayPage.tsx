// /replay/<id>: a past stream with its chat replayed in sync. Each message appears when the video
// reaches the moment it was sent: the player's program date time (EXT-X-PROGRAM-DATE-TIME on every
// segment, the server's clock when the frame arrived) against the message's timestamp (the server's
// clock when it was sent). Hidden messages and banned users' messages never come from the server.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { userHue } from '../chat/MessageView';
import {
  countUpTo,
  fetchReplay,
  fetchReplayChat,
  formatDuration,
  type Replay,
  type ReplayMessage,
  replayIdFromPath,
  replayPlaylist,
} from './api';
import { attach } from './player';

const CHAT_SHOWN_KEY = 'ownstream_replay_chat';
const TICK_MS = 100;


function ReplayChat({ messages, shown }: { messages: readonly ReplayMessage[]; shown: number }) {
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [shown]);
  return (
    <ol id="replay-chat" class="replay-chat" ref={list} aria-live="polite">
      {messages.slice(0, shown).map((message) => (
        <li key={message.id} class="replay-message" data-message-id={message.id}>
          {message.user?.displayName && (
            <span class="replay-author" style={{ '--user-hue': String(userHue(message.user.displayColor, message.user.displayName)) }}>
              {message.user.displayName}
            </span>
          )}
          {/* Bodies are rendered and allow-listed by the server (chat/render.py), as in the live chat. */}
          <span class="replay-body" dangerouslySetInnerHTML={{ __html: message.body }} />
        </li>
      ))}
    </ol>
  );
}

export function ReplayPage() {
  const id = replayIdFromPath(location.pathname);
  const [replay, setReplay] = useState<Replay | null>(null);
  const [messages, setMessages] = useState<ReplayMessage[]>([]);
  const [error, setError] = useState('');
  const [shown, setShown] = useState(0);
  const [chatWanted, setChatWanted] = useState(() => localStorage.getItem(CHAT_SHOWN_KEY) !== 'false');
  const video = useRef<HTMLVideoElement>(null);
  const times = useMemo(() => messages.map((m) => Date.parse(m.timestamp)), [messages]);

  useEffect(() => {
    if (id === null) {
      setError('There is no such replay.');
      return;
    }
    fetchReplay(id).then(setReplay, () => setError('There is no such replay.'));
    fetchReplayChat(id).then(setMessages, () => setMessages([]));
  }, [id]);

  useEffect(() => {
    const element = video.current;
    if (id === null || replay === null || element === null) return undefined;
    const player = attach(element, replayPlaylist(id));
    const update = (): void => {
      const at = player.playingDate();
      if (at !== null) setShown(countUpTo(times, at));
    };
    const timer = window.setInterval(update, TICK_MS);
    element.addEventListener('seeked', update);
    element.addEventListener('timeupdate', update);
    return () => {
      window.clearInterval(timer);
      element.removeEventListener('seeked', update);
      element.removeEventListener('timeupdate', update);
      player.destroy();
    };
  }, [id, replay, times]);

  const toggleChat = (): void => {
    setChatWanted((wanted) => {
      localStorage.setItem(CHAT_SHOWN_KEY, String(!wanted));
      return !wanted;
    });
  };

  useEffect(() => {
    document.title = replay ? replay.title || 'Replay' : document.title;
  }, [replay]);

  if (error) {
    return (
      <main id="replay-page" class="replay-page">
        <p class="replay-error">{error}</p>
        <a href="/">Back to the stream</a>
      </main>
    );
  }
  return (
    <div id="replay-page" class={`replay-page${chatWanted ? ' with-chat' : ''}`}>
      <header class="replay-header">
        <a class="replay-home" href="/">
          ← Live stream
        </a>
        <h1>{replay?.title || 'Replay'}</h1>
        {replay && (
          <p class="replay-meta">
            {new Date(replay.startTime).toLocaleString()} · {formatDuration(replay.duration)}
            {replay.endTime === null && ' · still recording'} ·{' '}
            <a href={`/replay/${encodeURIComponent(replay.id)}/download.mp4`} download>
              Download
            </a>
          </p>
        )}
        <button type="button" class="replay-chat-toggle" aria-pressed={chatWanted} onClick={toggleChat}>
          {chatWanted ? 'Hide chat' : 'Show chat'}
        </button>
      </header>
      <div class="replay-body-row">
        <video id="replay-video" ref={video} controls playsInline preload="auto" />
        {chatWanted && (
          <aside class="replay-chat-column" aria-label="Chat replay">
            <ReplayChat messages={messages} shown={shown} />
          </aside>
        )}
      </div>
    </div>
  );
}
