// The per-field save feedback: "Saved" (cleared after 3 s) or the server's own error message, in a
// live region next to the field so screen readers hear it too.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { SimpleResult } from '../types';

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'ok'; message: string }
  | { kind: 'error'; message: string };

const CLEAR_AFTER_MS = 3000;

export function useSave(): {
  state: SaveState;
  run: (save: () => Promise<SimpleResult>, okMessage?: string) => Promise<boolean>;
  fail: (message: string) => void;
  clear: () => void;
} {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const clear = useCallback(() => {
    window.clearTimeout(timer.current);
    setState({ kind: 'idle' });
  }, []);
  const fail = useCallback((message: string) => {
    window.clearTimeout(timer.current);
    setState({ kind: 'error', message });
  }, []);
  const run = useCallback(async (save: () => Promise<SimpleResult>, okMessage = 'Saved') => {
    window.clearTimeout(timer.current);
    setState({ kind: 'saving' });
    let result: SimpleResult;
    try {
      result = await save();
    } catch (error) {
      result = { success: false, message: error instanceof Error ? error.message : String(error) };
    }
    if (result.success) {
      setState({ kind: 'ok', message: okMessage });
      timer.current = window.setTimeout(() => setState({ kind: 'idle' }), CLEAR_AFTER_MS);
      return true;
    }
    setState({ kind: 'error', message: result.message || 'The server refused the change.' });
    return false;
  }, []);
  return { state, run, fail, clear };
}

export function SaveStatus({ id, state }: { id: string; state: SaveState }) {
  const text =
    state.kind === 'saving' ? 'Saving…' : state.kind === 'ok' || state.kind === 'error' ? state.message : '';
  return (
    <p id={id} class={`save-status save-${state.kind}`} role="status">
      {state.kind === 'ok' && <span aria-hidden="true">✓ </span>}
      {state.kind === 'error' && <span aria-hidden="true">⚠ </span>}
      {text}
    </p>
  );
}
