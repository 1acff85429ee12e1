// Polling at Owncast's intervals without request storms: one loop per use, the next request only after
// the previous one finished, paused while the tab is hidden and run at once when it shows again.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  /** Fetches now (e.g. after an action changed the data) and restarts the interval. */
  reload: () => Promise<void>;
}

export function usePoll<T>(load: () => Promise<T>, intervalMs: number | null, key: unknown = null): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const timer = useRef<number | undefined>(undefined);
  const running = useRef<Promise<void> | null>(null);
  const alive = useRef(true);

  const schedule = useCallback(() => {
    window.clearTimeout(timer.current);
    if (intervalMs === null || !alive.current || document.hidden) return;
    timer.current = window.setTimeout(() => void tick(), intervalMs);
  }, [intervalMs]);

  const tick = useCallback(async (): Promise<void> => {
    if (running.current) return running.current;
    window.clearTimeout(timer.current);
    const run = (async () => {
      try {
        const value = await loadRef.current();
        if (!alive.current) return;
        setData(value);
        setError(null);
      } catch (failure) {
        if (!alive.current) return;
        setError(failure instanceof Error ? failure.message : String(failure));
      } finally {
        if (alive.current) setLoading(false);
      }
    })();
    running.current = run;
    try {
      await run;
    } finally {
      running.current = null;
      schedule();
    }
  }, [schedule]);

  useEffect(() => {
    alive.current = true;
    setLoading(true);
    void tick();
    const onVisibility = () => {
      if (document.hidden) window.clearTimeout(timer.current);
      else void tick();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      alive.current = false;
      window.clearTimeout(timer.current);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [tick, key]);

  return { data, error, loading, reload: tick };
}
