// Copies a text to the clipboard. The Clipboard API needs a secure context, which a LAN address over
// plain HTTP is not, so it falls back to selecting a hidden field and the older copy command.

import { useEffect, useRef, useState } from 'preact/hooks';

export async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall back below
    }
  }
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.className = 'copy-scratch';
  document.body.append(field);
  field.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  field.remove();
  return ok;
}

export function CopyButton({ text, label = 'Copy', what }: { text: string; label?: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const copy = async () => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), 2500);
  };
  return (
    <>
      <button type="button" class="button" onClick={() => void copy()} aria-label={`${label} ${what}`}>
        <span aria-hidden="true">
          {state === 'copied' ? 'Copied!' : state === 'failed' ? 'Copy failed' : label}
        </span>
      </button>
      <span class="visually-hidden" role="status">
        {state === 'copied' ? `${what} copied` : state === 'failed' ? 'Copy failed: select the text and copy it' : ''}
      </span>
    </>
  );
}
