// Configuration → Server Setup: the stream key (also the admin password), ffmpeg, ports and listen
// address, and the directory registration (reference §2.3).

import { useState } from 'preact/hooks';
import { postJson, saveSetting } from '../api';
import { PageHeading } from '../components/bits';
import { CopyButton } from '../components/CopyButton';
import { Section, TextSetting } from '../components/fields';
import { useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { useAdmin, useConfig } from '../state';

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

function StreamKey() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const [show, setShow] = useState(false);
  const [generated, setGenerated] = useState<{ value: string; serial: number } | undefined>();
  const [confirm, dialog] = useConfirm();
  const save = async (key: string) => {
    const ok = await confirm({
      title: 'Change the stream key?',
      message: (
        <>
          <p>
            The stream key is also the <strong>admin password</strong>. After the change:
          </p>
          <ul>
            <li>your broadcasting software must use the new key, or it cannot go live;</li>
            <li>you stay logged in here, but other browsers and scripts using the old password are logged out.</li>
          </ul>
        </>
      ),
      confirmLabel: 'Change the key',
      danger: true,
    });
    if (!ok) return { success: false, message: 'Not changed.' };
    return saveSetting('key', key);
  };
  return (
    <Section
      title="Stream key"
      description={
        <p>
          Your broadcasting software sends this key to go live, and you log in to this admin with it as the password (user{' '}
          <code>admin</code>).
        </p>
      }
    >
      <TextSetting
        label="Stream key"
        type={show ? 'text' : 'password'}
        autoComplete="new-password"
        monospace
        value={config.streamKey}
        required
        draftOverride={generated}
        validate={(value) =>
          value.length < MIN_KEY_LENGTH ? `Use at least ${MIN_KEY_LENGTH} characters: it is also your password.` : null
        }
        save={save}
        help="Changing it takes effect at once. Use a long random key: Generate makes one."
        onSaved={(streamKey) => patchConfig((c) => ({ ...c, streamKey }))}
        extra={
          <>
            <button type="button" class="button" aria-pressed={show} onClick={() => setShow(!show)}>
              {show ? 'Hide' : 'Show'}
            </button>
            <button
              type="button"
              class="button"
              onClick={() => {
                setShow(true);
                setGenerated({ value: generateStreamKey(), serial: Date.now() });
              }}
            >
              Generate
            </button>
            <CopyButton text={config.streamKey} what="stream key" />
          </>
        }
      />
      {dialog}
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
      <PageHeading title="Server setup" intro="The stream key, the encoder program and the network ports." />
      <StreamKey />
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
