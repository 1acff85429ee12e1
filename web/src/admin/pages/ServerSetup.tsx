// Configuration → Server Setup: the stream keys and the admin password (newer Owncast §3: the password is
// the stream key until one is set), ffmpeg, ports and listen address, the directory registration.

import { useState } from 'preact/hooks';
import { postJson, saveSetting } from '../api';
import { DataTable, PageHeading } from '../components/bits';
import { CopyButton } from '../components/CopyButton';
import { Section, TextSetting } from '../components/fields';
import { useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { useAdmin, useConfig } from '../state';
import type { StreamKeyEntry } from '../types';

const KEY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
export const MIN_KEY_LENGTH = 8;

export function generateStreamKey(length = 24): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  // 256 % 56 leaves a small bias; drop values past the last whole multiple.
  let out = '';
  for (const byte of bytes) {
    if (byte < 224) out += KEY_ALPHABET[byte % KEY_ALPHABET.length];
  }
  return out.length >= length - 4 ? out : generateStreamKey(length);
}

function parsePort(value: string): number {
  return Number(value);
}

function validatePort(value: string): string | null {
  const port = Number(value);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? null : 'A port is a whole number from 1 to 65535.';
}

function StreamKeys() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const [shown, setShown] = useState<Set<string>>(new Set());
  const [draftKey, setDraftKey] = useState('');
  const [draftComment, setDraftComment] = useState('');
  const { state, run, fail } = useSave();
  const [confirm, dialog] = useConfirm();
  const keys = config.streamKeys;
  const passwordIsKey = !config.adminPassword;

  const store = async (next: StreamKeyEntry[], done: string) => {
    const ok = await run(() => saveSetting('streamkeys', next), done);
    if (ok) {
      // The first list stored keeps the key of that moment as the admin password (the server hashes it).
      patchConfig((c) => ({ ...c, streamKeys: next, streamKey: next[0].key, adminPassword: c.adminPassword || 'set' }));
    }
    return ok;
  };
  const add = async (event: Event) => {
    event.preventDefault();
    const key = draftKey;
    if (!key) return fail('Type a key or press Generate.');
    if (key.length < MIN_KEY_LENGTH) return fail(`Use at least ${MIN_KEY_LENGTH} characters.`);
    if (keys.some((entry) => entry.key === key)) return fail('That key is already in the list.');
    if (await store([...keys, { key, comment: draftComment.trim() }], 'Key added')) {
      setDraftKey('');
      setDraftComment('');
    }
  };
  const remove = async (entry: StreamKeyEntry) => {
    const ok = await confirm({
      title: 'Remove this stream key?',
      message: <p>Broadcasting software using it can no longer go live. A stream already live continues.</p>,
      confirmLabel: 'Remove the key',
      danger: true,
    });
    if (ok) await store(keys.filter((each) => each !== entry), 'Key removed');
  };
  const toggle = (key: string) => {
    const next = new Set(shown);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setShown(next);
  };
  return (
    <Section
      title="Stream keys"
      description={
        <>
          <p>Your broadcasting software sends one of these keys to go live. Give each encoder or person its own key, so you can remove one without changing the others.</p>
          {passwordIsKey && (
            <p class="note">
              The admin password is still your stream key. Adding or removing a key keeps your current key as the admin password;
              set a password of its own below.
            </p>
          )}
          {config.streamKeyOverridden && <p class="note">This run was started with <code>--streamkey</code>, which replaced the list with that key.</p>}
        </>
      }
    >
      <DataTable
        caption="Stream keys"
        rows={keys}
        rowKey={(entry) => entry.key}
        empty="No stream keys."
        columns={[
          {
            label: 'Key',
            render: (entry) => (
              <code class="stream-key">{shown.has(entry.key) ? entry.key : '•'.repeat(Math.min(entry.key.length, 24))}</code>
            ),
          },
          { label: 'Comment', render: (entry) => entry.comment || <span class="muted">none</span> },
          {
            label: 'Actions',
            hideLabel: true,
            render: (entry) => (
              <div class="row-actions">
                <button type="button" class="button" aria-pressed={shown.has(entry.key)} onClick={() => toggle(entry.key)}>
                  {shown.has(entry.key) ? 'Hide' : 'Show'}
                </button>
                <CopyButton text={entry.key} what="stream key" />
                <button
                  type="button"
                  class="button danger"
                  disabled={keys.length < 2}
                  title={keys.length < 2 ? 'The last key cannot be removed.' : undefined}
                  onClick={() => void remove(entry)}
                >
                  Remove
                </button>
              </div>
            ),
          },
        ]}
      />
      <form class="setting inline-form" onSubmit={(event) => void add(event)} aria-label="Add a stream key">
        <label>
          New key
          <input
            class="monospace"
            value={draftKey}
            autoComplete="off"
            onInput={(event) => setDraftKey((event.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Comment
          <input value={draftComment} placeholder="e.g. OBS at home" onInput={(event) => setDraftComment((event.target as HTMLInputElement).value)} />
        </label>
        <div class="setting-actions">
          <button type="button" class="button" onClick={() => setDraftKey(generateStreamKey())}>
            Generate
          </button>
          <button type="submit" class="button primary">
            Add key
          </button>
        </div>
        <SaveStatus id="stream-keys-status" state={state} />
      </form>
      {dialog}
    </Section>
  );
}

function AdminPassword() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const { state, run, fail } = useSave();
  const submit = async (event: Event) => {
    event.preventDefault();
    if (password.length < MIN_KEY_LENGTH) return fail(`Use at least ${MIN_KEY_LENGTH} characters.`);
    if (password !== again) return fail('The two passwords differ.');
    const ok = await run(() => saveSetting('adminpass', password), 'Password changed');
    if (ok) {
      setPassword('');
      setAgain('');
      patchConfig((c) => ({ ...c, adminPassword: 'set' }));
    }
  };
  return (
    <Section
      title="Admin password"
      description={
        <p>
          {config.adminPassword
            ? 'The admin (user admin) has a password of its own, stored hashed.'
            : 'Until you set one, the admin password is your stream key.'}{' '}
          After a change you stay logged in here; other browsers and scripts using the old password are logged out.
        </p>
      }
    >
      <form class="setting inline-form" onSubmit={(event) => void submit(event)} aria-label="Change the admin password">
        <label>
          New password
          <input type="password" autoComplete="new-password" value={password} onInput={(event) => setPassword((event.target as HTMLInputElement).value)} />
        </label>
        <label>
          Repeat it
          <input type="password" autoComplete="new-password" value={again} onInput={(event) => setAgain((event.target as HTMLInputElement).value)} />
        </label>
        <div class="setting-actions">
          <button type="submit" class="button primary">
            Set password
          </button>
        </div>
        <SaveStatus id="admin-password-status" state={state} />
      </form>
    </Section>
  );
}

function DirectoryReset() {
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();
  const reset = async () => {
    const ok = await confirm({
      title: 'Reset the directory registration?',
      message: <p>Use this when the Owncast Directory no longer lists your server, e.g. after it moved. The next ping registers it again.</p>,
      confirmLabel: 'Reset',
    });
    if (ok) await run(() => postJson('/api/admin/yp/reset', {}), 'Directory registration reset');
  };
  return (
    <div class="setting">
      <p class="setting-label">Directory registration</p>
      <div class="setting-actions">
        <button type="button" class="button" onClick={() => void reset()} aria-describedby="yp-reset-status">
          Reset directory registration
        </button>
      </div>
      <SaveStatus id="yp-reset-status" state={state} />
      {dialog}
    </div>
  );
}

export function ServerSetup() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  return (
    <>
      <PageHeading title="Server setup" intro="The stream keys, the admin password, the encoder program and the network ports." />
      <StreamKeys />
      <AdminPassword />
      <Section title="Video encoder">
        <TextSetting
          label="FFmpeg path"
          path="ffmpegpath"
          monospace
          value={config.ffmpegPath}
          placeholder="/usr/bin/ffmpeg"
          help="The ffmpeg program used for the next stream. Leave empty to use the one that comes with Ownstream."
          onSaved={(ffmpegPath) => patchConfig((c) => ({ ...c, ffmpegPath }))}
        />
      </Section>
      <Section title="Chat connection">
        <TextSetting
          label="WebSocket host"
          path="sockethostoverride"
          type="url"
          monospace
          value={config.socketHostOverride ?? ''}
          placeholder="wss://chat.example.com"
          help="Leave empty. Only when the chat must connect elsewhere than this server (e.g. behind a proxy that routes WebSockets separately): viewers' pages open the chat there."
          onSaved={(socketHostOverride) => patchConfig((c) => ({ ...c, socketHostOverride }))}
        />
      </Section>
      <Section
        title="Network"
        description={<p class="note">Changes here apply the next time Ownstream starts.</p>}
      >
        <TextSetting
          label="Web port"
          path="webserverport"
          type="number"
          value={String(config.webServerPort)}
          validate={validatePort}
          toValue={parsePort}
          help="The HTTP port of this page and the API (default 8080)."
          onSaved={(value) => patchConfig((c) => ({ ...c, webServerPort: Number(value) }))}
        />
        <TextSetting
          label="Listen address"
          path="webserverip"
          monospace
          value={config.webServerIP}
          placeholder="0.0.0.0"
          help="The address the web server listens on: 0.0.0.0 for every network, 127.0.0.1 for this machine only."
          onSaved={(webServerIP) => patchConfig((c) => ({ ...c, webServerIP }))}
        />
        <TextSetting
          label="RTMP port"
          path="rtmpserverport"
          type="number"
          value={String(config.rtmpServerPort)}
          validate={validatePort}
          toValue={parsePort}
          help="Where your broadcasting software connects (default 1935)."
          onSaved={(value) => patchConfig((c) => ({ ...c, rtmpServerPort: Number(value) }))}
        />
      </Section>
      {config.yp.enabled && (
        <Section title="Owncast Directory">
          <DirectoryReset />
        </Section>
      )}
    </>
  );
}
