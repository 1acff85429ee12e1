// URLs from other people (followers, actions, social handles) reach an href or src only as http(s).

export function safeHttpUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim(), location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function isHttpUrl(raw: string, { httpsOnly = false } = {}): boolean {
  try {
    const url = new URL(raw.trim());
    if (!url.hostname) return false;
    return httpsOnly ? url.protocol === 'https:' : url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
