// Configuration → General: what viewers see about the server (reference §2.3, `config-public-details`).

import { useEffect, useId, useState } from 'preact/hooks';
import { getJson, saveSetting } from '../api';
import { PageHeading } from '../components/bits';
import { Section, TextSetting, ToggleSetting } from '../components/fields';
import { ListSetting } from '../components/ListSetting';
import { MarkdownPreview } from '../components/MarkdownPreview';
import { Modal, useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { LIMITS, LOGO_TYPES } from '../limits';
import { isHttpUrl, safeHttpUrl } from '../safe';
import { useAdmin, useConfig } from '../state';
import type { ServerConfig, SocialHandle, SocialPlatform } from '../types';
import { FaviconSetting } from '../components/FaviconSetting';

type Patch = (change: (config: ServerConfig) => ServerConfig) => void;

function details(patch: Patch, change: Partial<ServerConfig['instanceDetails']>) {
  patch((c) => ({ ...c, instanceDetails: { ...c.instanceDetails, ...change } }));
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}

function LogoSetting() {
  const id = useId();
  const [version, setVersion] = useState(Date.now());
  const [preview, setPreview] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const { state, run, fail, clear } = useSave();
  const choose = async (event: Event) => {
    clear();
    const chosen = (event.currentTarget as HTMLInputElement).files?.[0] ?? null;
    setFile(null);
    setPreview(null);
    if (!chosen) return;
    if (!LOGO_TYPES.includes(chosen.type)) return fail('Choose a PNG, JPEG, GIF or SVG image.');
    if (chosen.size > LIMITS.logoBytes) return fail('The image is larger than 2 MB.');
    setFile(chosen);
    setPreview(await readAsDataUrl(chosen));
  };
  const upload = async (event: Event) => {
    event.preventDefault();
    if (!file || !preview) return fail('Choose an image first.');
    if (await run(() => saveSetting('logo', preview), 'Logo uploaded')) {
      setVersion(Date.now());
      setFile(null);
      setPreview(null);
      (document.getElementById(id) as HTMLInputElement | null)?.form?.reset();
    }
  };
  return (
    <form class="setting logo-setting" onSubmit={upload}>
      <div class="logo-images">
        <figure>
          <img src={`/logo?cb=${version}`} alt="Current logo" width={96} height={96} />
          <figcaption>Current</figcaption>
        </figure>
        {preview && (
          <figure>
            <img src={preview} alt="New logo preview" width={96} height={96} />
            <figcaption>New</figcaption>
          </figure>
        )}
      </div>
      <div class="logo-controls">
        <label for={id} class="setting-label">
          Logo
        </label>
        <input id={id} type="file" accept={LOGO_TYPES.join(',')} onChange={choose} aria-describedby={`${id}-help ${id}-status`} />
        <p id={`${id}-help`} class="help">
          PNG, JPEG, GIF or SVG up to 2 MB; a square of at least 256×256 looks best. Social sites do not show SVG logos.
        </p>
        <div class="setting-actions">
          <button type="submit" class="button primary" disabled={!file || state.kind === 'saving'}>
            Upload logo
          </button>
        </div>
        <SaveStatus id={`${id}-status`} state={state} />
      </div>
    </form>
  );
}

const OTHER = '__other__';

function SocialHandleEditor({
  platforms,
  initial,
  onSave,
  onClose,
}: {
  platforms: Record<string, SocialPlatform>;
  initial: SocialHandle | null;
  onSave: (handle: SocialHandle) => Promise<boolean>;
  onClose: () => void;
}) {
  const known = initial ? initial.platform in platforms : true;
  const [platform, setPlatform] = useState(initial ? (known ? initial.platform : OTHER) : Object.keys(platforms)[0] ?? OTHER);
  const [other, setOther] = useState(initial && !known ? initial.platform : '');
  const [url, setUrl] = useState(initial?.url ?? '');
  const [error, setError] = useState<string | null>(null);
  const base = useId();
  const submit = async (event: Event) => {
    event.preventDefault();
    const name = platform === OTHER ? other.trim() : platform;
    if (!name) return setError('Name the platform.');
    if (!isHttpUrl(url)) return setError('The link must be a full http:// or https:// address.');
    if (await onSave({ platform: name, url: url.trim() })) onClose();
    else setError('Not saved: see the message under the list.');
  };
  return (
    <Modal title={initial ? 'Edit social handle' : 'Add a social handle'} onClose={onClose}>
      <form class="stack" onSubmit={submit} noValidate>
        <label for={`${base}-platform`} class="setting-label">
          Platform
        </label>
        <select id={`${base}-platform`} value={platform} onChange={(e) => setPlatform(e.currentTarget.value)}>
          {Object.entries(platforms).map(([key, info]) => (
            <option value={key} key={key}>
              {info.platform}
            </option>
          ))}
          <option value={OTHER}>Other…</option>
        </select>
        {platform === OTHER && (
          <>
            <label for={`${base}-other`} class="setting-label">
              Platform name
            </label>
            <input id={`${base}-other`} value={other} onInput={(e) => setOther(e.currentTarget.value)} />
            <p class="help">Platforms not in the list are shown with a generic icon.</p>
          </>
        )}
        <label for={`${base}-url`} class="setting-label">
          Link to your page
        </label>
        <input
          id={`${base}-url`}
          type="url"
          value={url}
          placeholder="https://…"
          onInput={(e) => setUrl(e.currentTarget.value)}
          aria-describedby={`${base}-error`}
        />
        <p id={`${base}-error`} class="save-status save-error" role="status">
          {error}
        </p>
        <div class="modal-footer">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary">
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

function SocialHandles({ handles, patch }: { handles: SocialHandle[]; patch: Patch }) {
  const [platforms, setPlatforms] = useState<Record<string, SocialPlatform>>({});
  const [editing, setEditing] = useState<{ index: number | null } | null>(null);
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();
  useEffect(() => {
    getJson<Record<string, SocialPlatform>>('/api/socialplatforms')
      .then(setPlatforms)
      .catch(() => setPlatforms({}));
  }, []);
  const save = async (next: SocialHandle[], message: string) => {
    const value = next.map(({ platform, url }) => ({ platform, url }));
    const ok = await run(() => saveSetting('socialhandles', value), message);
    if (ok) details(patch, { socialHandles: next.map((h) => ({ ...h, icon: platforms[h.platform]?.icon })) });
    return ok;
  };
  const remove = async (index: number) => {
    const handle = handles[index];
    const label = platforms[handle.platform]?.platform ?? handle.platform;
    if (await confirm({ title: `Remove ${label}?`, message: <p>{handle.url}</p>, confirmLabel: 'Remove', danger: true })) {
      await save(handles.filter((_, i) => i !== index), `Removed ${label}`);
    }
  };
  return (
    <div class="setting">
      <ul class="handle-list" aria-label="Your social handles">
        {handles.map((handle, index) => {
          const info = platforms[handle.platform];
          const icon = info?.icon ?? handle.icon;
          const link = safeHttpUrl(handle.url);
          return (
            <li key={`${handle.platform}-${handle.url}`} class="handle">
              {icon ? <img src={icon} alt="" width={24} height={24} class="handle-icon" /> : <span class="handle-icon" aria-hidden="true">★</span>}
              <span class="handle-text">
                <span class="handle-platform">{info?.platform ?? handle.platform}</span>
                {link ? (
                  <a href={link} target="_blank" rel="noopener noreferrer" class="handle-url">
                    {handle.url}
                  </a>
                ) : (
                  <span class="handle-url">{handle.url}</span>
                )}
              </span>
              <span class="row-actions">
                <button type="button" class="button small" onClick={() => setEditing({ index })} aria-label={`Edit ${info?.platform ?? handle.platform}`}>
                  Edit
                </button>
                <button type="button" class="button small danger" onClick={() => void remove(index)} aria-label={`Remove ${info?.platform ?? handle.platform}`}>
                  Remove
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      {handles.length === 0 && <p class="empty-note">No social handles yet.</p>}
      <button type="button" class="button primary" onClick={() => setEditing({ index: null })}>
        Add a social handle
      </button>
      <SaveStatus id="social-status" state={state} />
      {editing && (
        <SocialHandleEditor
          platforms={platforms}
          initial={editing.index === null ? null : handles[editing.index]}
          onClose={() => setEditing(null)}
          onSave={(handle) => {
            const next = [...handles];
            if (editing.index === null) next.push(handle);
            else next[editing.index] = handle;
            return save(next, 'Social handles saved');
          }}
        />
      )}
      {dialog}
    </div>
  );
}

export function General() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const info = config.instanceDetails;
  const [confirm, dialog] = useConfirm();
  const hasUrl = config.yp.instanceUrl.trim() !== '';
  return (
    <>
      <PageHeading title="General settings" intro="What viewers see about your server. Each field saves on its own." />
      <Section title="Your server">
        <TextSetting
          label="Name"
          path="name"
          value={info.name}
          required
          maxLength={LIMITS.serverName}
          placeholder="Your server's name"
          help="The title of your page, and the name in the directory and on the Fediverse."
          onSaved={(name) => details(patchConfig, { name })}
        />
        <TextSetting
          label="Server URL"
          path="serverurl"
          type="url"
          value={config.yp.instanceUrl}
          placeholder="https://live.example.com"
          validate={(value) => (value && !isHttpUrl(value) ? 'Enter a full address starting with https://' : null)}
          toValue={(value) => value.replace(/\/+$/, '')}
          help="The public address of this server. Needed for the directory and the Fediverse."
          onSaved={(url) => patchConfig((c) => ({ ...c, yp: { ...c.yp, instanceUrl: url.replace(/\/+$/, '') } }))}
        />
        <TextSetting
          label="About"
          path="serversummary"
          multiline
          rows={4}
          value={info.summary}
          maxBytes={LIMITS.summary}
          help="A short description shown on your page. Markdown works. Ctrl+Enter saves."
          onSaved={(summary) => details(patchConfig, { summary })}
          below={(draft) => <MarkdownPreview source={draft} label="About, as viewers will see it" />}
        />
        <LogoSetting />
        <FaviconSetting />
      </Section>
      <Section title="Discovery">
        <ToggleSetting
          label="Potentially NSFW"
          path="nsfw"
          value={info.nsfw}
          help="Mark the stream as not safe for work in the directory and on the Fediverse."
          onSaved={(nsfw) => details(patchConfig, { nsfw })}
        />
        <ToggleSetting
          label="List this server in the Owncast Directory"
          path="directoryenabled"
          value={config.yp.enabled}
          disabled={!hasUrl && !config.yp.enabled}
          help={hasUrl ? 'Your server appears at directory.owncast.online while you stream.' : 'Set the Server URL first.'}
          confirmOn={() =>
            confirm({
              title: 'List your server publicly?',
              message: <p>Your server's name, summary, logo, tags and live thumbnail are shared with the Owncast Directory while you stream.</p>,
              confirmLabel: 'Share my server',
            })
          }
          onSaved={(enabled) => patchConfig((c) => ({ ...c, yp: { ...c.yp, enabled } }))}
        />
        <ListSetting
          label="Tags"
          itemName="tag"
          path="tags"
          prefix="#"
          value={info.tags}
          maxItemLength={LIMITS.tag}
          maxItems={LIMITS.tags}
          placeholder="music, live coding"
          help="Words people search for. Separate several with commas."
          onSaved={(tags) => details(patchConfig, { tags })}
        />
        <ToggleSetting
          label="Hide from search engines"
          path="disablesearchindexing"
          value={config.disableSearchIndexing}
          help="Asks search engines not to list your page (robots.txt). Well-behaved crawlers follow it; it is not a lock."
          onSaved={(disableSearchIndexing) => patchConfig((c) => ({ ...c, disableSearchIndexing }))}
        />
      </Section>
      <Section title="Social handles" description="Links to your other pages, shown as icons under your logo.">
        <SocialHandles handles={info.socialHandles} patch={patchConfig} />
      </Section>
      <Section title="Page content" description="Shown below the video. Markdown works; viewers see it as in the preview.">
        <TextSetting
          label="Page content"
          path="pagecontent"
          multiline
          rows={8}
          monospace
          value={info.extraPageContent}
          maxBytes={LIMITS.pageContent}
          help="Ctrl+Enter saves."
          onSaved={(extraPageContent) => details(patchConfig, { extraPageContent })}
          below={(draft) => <MarkdownPreview source={draft} label="Page content, as viewers will see it" />}
        />
      </Section>
      <Section title="Custom CSS" description="Added to your page (not to this admin). Element ids follow Owncast's, so CSS written for Owncast works.">
        <TextSetting
          label="Custom CSS"
          path="customstyles"
          multiline
          rows={8}
          monospace
          value={info.customStyles}
          maxBytes={LIMITS.customStyles}
          help="Ctrl+Enter saves. Reload your page to see the change."
          onSaved={(customStyles) => details(patchConfig, { customStyles })}
        />
      </Section>
      {dialog}
    </>
  );
}
