// Talking to the admin API: same-origin fetches carrying the session cookie (or the browser's Basic
// credentials) and, on anything that changes state, the CSRF token the server put in the page.

import type { SimpleResult } from './types';

/** What the server wrote into the page's <meta> tags when it served the app. */
export interface PageSession {
  csrfToken: string;
  /** "cookie" (logged in with the form: can log out) or "basic" (HTTP Basic credentials). */
  method: string;
}

export function readPageSession(doc: Document = document): PageSession {
  const meta = (name: string) => doc.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
  return { csrfToken: meta('ownstream-csrf'), method: meta('ownstream-auth') };
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let session: PageSession = { csrfToken: '', method: '' };

export function setPageSession(value: PageSession): void {
  session = value;
}

export function pageSession(): PageSession {
  return session;
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  // Logged in with the form: every request carries the CSRF token (the server needs it on changes, and
  // its presence tells the server to answer an ended session without a Basic prompt).
  if (session.method === 'cookie') headers.set('X-CSRF-Token', session.csrfToken);
  const response = await fetch(path, { ...init, headers, credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) {
    // The session expired or the stream key (the password) was changed elsewhere: the server now
    // answers every admin page with the login form, so reloading shows it.
    location.reload();
    throw new ApiError('Your session has ended. Log in again.', 401);
  }
  return response;
}

/** DELETE; answers the server's `{success, message}`. */
export async function deleteForResult(path: string): Promise<SimpleResult> {
  const response = await request(path, { method: 'DELETE' });
  try {
    const body = (await response.json()) as { success?: boolean; message?: string };
    return { success: body.success === true && response.ok, message: String(body.message ?? '') };
  } catch {
    return { success: response.ok, message: response.ok ? '' : `HTTP ${response.status}` };
  }
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await request(path);
  if (!response.ok) throw new ApiError(await errorText(response), response.status);
  return (await response.json()) as T;
}

/** POSTs `body` as JSON; answers the server's `{success, message}` (also for a 400 with that shape). */
export async function postJson(path: string, body: unknown): Promise<SimpleResult> {
  let response: Response;
  try {
    response = await request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    return { success: false, message: 'The server could not be reached. Check your connection.' };
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: fall through
  }
  if (parsed && typeof parsed === 'object') {
    const record = parsed as Record<string, unknown>;
    if (typeof record.success === 'boolean') {
      return { success: record.success && response.ok, message: String(record.message ?? '') };
    }
    if (typeof record.error === 'string') return { success: false, message: record.error };
    if (response.ok) return { success: true, message: '' };
  }
  if (response.ok) return { success: true, message: '' };
  return { success: false, message: text.trim() || `HTTP ${response.status}` };
}

/** POSTs and returns the parsed JSON body, throwing `ApiError` with the server's message on failure. */
export async function postForJson<T>(path: string, body: unknown): Promise<T> {
  const response = await request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new ApiError(await errorText(response), response.status);
  return (await response.json()) as T;
}

/** A config setter: `POST /api/admin/config/<path>` with `{"value": value}`. */
export function saveSetting(path: string, value: unknown): Promise<SimpleResult> {
  return postJson(`/api/admin/config/${path}`, { value });
}

async function errorText(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (typeof parsed.message === 'string' && parsed.message) return parsed.message;
    if (typeof parsed.error === 'string' && parsed.error) return parsed.error;
  } catch {
    // plain text
  }
  return text.trim() || `HTTP ${response.status}`;
}
