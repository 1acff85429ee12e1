// Polls /api/status and /api/ping together; a failed request counts as "offline".
import { useEffect, useState } from 'preact/hooks';
import { fetchStatus, ping, type StreamStatus } from './api';

export const STATUS_POLL_MS = 5000;
/** While offline, look every second: a low-latency stream is playable (and online) about a second after
 * the broadcaster starts, and the page should start playing then, not up to 5 s later. */
export const OFFLINE_POLL_MS = 1000;

const UNREACHABLE: StreamStatus = {
  online: false,
  viewerCount: 0,
  lastConnectTime: null,
  lastDisconnectTime: null,
  versionNumber: '',
  streamTitle: '',
};

/**
 * The latest stream status, `null` until the first answer. `countViewer` pings /api/ping with the
 * status (at most every `intervalMs`; the chat embeds do not count as viewers). A new object arrives with
 * every poll, so effects that depend on it run every 5 s while online (the player relies on that to retry
 * after errors), and every second while offline.
 */
export function useStreamStatus(intervalMs: number = STATUS_POLL_MS, countViewer = true): StreamStatus | null {
  const [status, setStatus] = useState<StreamStatus | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    let last: StreamStatus | null = null;
    let lastPing = 0;

    const poll = async (): Promise<void> => {
      let next: StreamStatus;
      const pingNow = countViewer && Date.now() - lastPing >= intervalMs;
      if (pingNow) lastPing = Date.now();
      try {
        const [fresh] = await Promise.all([fetchStatus(), pingNow ? ping() : undefined]);
        next = { ...UNREACHABLE, ...fresh };
      } catch {
        // Keep what we knew about the last broadcast so "Last live" still shows.
        next = { ...UNREACHABLE, lastDisconnectTime: last?.lastDisconnectTime ?? null };
      }
      if (stopped) return;
      last = next;
      setStatus(next);
      timer = window.setTimeout(() => void poll(), next.online ? intervalMs : Math.min(intervalMs, OFFLINE_POLL_MS));
    };

    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [intervalMs, countViewer]);

  return status;
}

/** Seconds-resolution clock that ticks once a second while `active`. */
export function useNow(active: boolean): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    setNow(new Date());
    if (!active) return undefined;
    const timer = window.setInterval(() => setNow(new Date()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}
