// A preview of Markdown as the viewer page will show it: the server renders and sanitizes it with the
// same code as `/api/config`, so what you see is what viewers get. The HTML is sanitized (an
// allow-list) and the admin's CSP runs no script from it.

import { useEffect, useState } from 'preact/hooks';
import { postForJson } from '../api';

const DEBOUNCE_MS = 400;

export function MarkdownPreview({ source, label }: { source: string; label: string }) {
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const timer = window.setTimeout(() => {
      postForJson<{ html: string }>('/api/admin/preview/markdown', { value: source })
        .then((result) => {
          setHtml(result.html);
          setError(null);
        })
        .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [source]);
  return (
    <section class="markdown-preview" aria-label={label}>
      <p class="preview-label" aria-hidden="true">
        Preview
      </p>
      {error ? (
        <p class="save-error">{error}</p>
      ) : html === null ? (
        <p class="loading">Rendering…</p>
      ) : html.trim() ? (
        // Server-sanitized HTML (nh3 allow-list), shown under a CSP without script.
        <div class="rendered" dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <p class="empty-note">Nothing to show.</p>
      )}
    </section>
  );
}
