// Configuration → S3 Storage: one form saved as a whole (`/s3`), and Test connection, which uploads and
// deletes a small object with the form's values without storing them (reference §2.3).

import { useId, useState } from 'preact/hooks';
import { postJson, saveSetting } from '../api';
import { PageHeading } from '../components/bits';
import { Section, TextSetting } from '../components/fields';
import { SaveStatus, useSave } from '../components/save';
import { isHttpUrl } from '../safe';
import { useAdmin, useConfig } from '../state';
import type { S3Settings } from '../types';

type Text = 'endpoint' | 'accessKey' | 'secret' | 'bucket' | 'region' | 'acl' | 'servingEndpoint' | 'pathPrefix';

function check(form: S3Settings): string | null {
  if (!form.enabled) return null;
  if (!form.endpoint || !isHttpUrl(form.endpoint)) return 'The endpoint must be a full http:// or https:// address.';
  if (!form.accessKey || !form.secret) return 'Enter the access key and the secret.';
  if (!form.bucket) return 'Enter the bucket name.';
  if (!form.region) return 'Enter the region (e.g. us-east-1).';
  if (form.servingEndpoint && !isHttpUrl(form.servingEndpoint)) return 'The serving endpoint must be a full address.';
  return null;
}

export function Storage() {
  const config = useConfig();
  const { patchConfig, status } = useAdmin();
  const [form, setForm] = useState<S3Settings>({ ...config.s3 });
  const [showSecret, setShowSecret] = useState(false);
  const saving = useSave();
  const testing = useSave();
  const base = useId();
  const set = (change: Partial<S3Settings>) => {
    setForm((current) => ({ ...current, ...change }));
    saving.clear();
  };

  const field = (key: Text, label: string, options: { placeholder?: string; help?: string; secret?: boolean; type?: string } = {}) => {
    const input = (
      <input
        id={`${base}-${key}`}
        type={(options.secret && !showSecret ? 'password' : (options.type ?? 'text')) as 'text'}
        value={form[key] ?? ''}
        placeholder={options.placeholder}
        autoComplete="off"
        spellcheck={false}
        aria-describedby={options.help ? `${base}-${key}-help` : undefined}
        onInput={(event) => set({ [key]: event.currentTarget.value.trim() })}
      />
    );
    return (
      <div class="field">
        <label for={`${base}-${key}`} class="setting-label">
          {label}
        </label>
        {options.secret ? (
          <div class="input-with-button">
            {input}
            <button type="button" class="button" aria-pressed={showSecret} onClick={() => setShowSecret(!showSecret)}>
              {showSecret ? 'Hide' : 'Show'}
            </button>
          </div>
        ) : (
          input
        )}
        {options.help && (
          <p id={`${base}-${key}-help`} class="help">
            {options.help}
          </p>
        )}
      </div>
    );
  };

  const save = async (event: Event) => {
    event.preventDefault();
    const problem = check(form);
    if (problem) return saving.fail(problem);
    if (await saving.run(() => saveSetting('s3', form), form.enabled ? 'Saved: used from the next stream' : 'Saved')) {
      patchConfig((c) => ({ ...c, s3: { ...form } }));
    }
  };
  const test = async () => {
    const problem = check({ ...form, enabled: true });
    if (problem) return testing.fail(problem);
    await testing.run(async () => {
      const result = await postJson('/api/admin/config/s3/test', { value: { ...form, enabled: true } });
      return result;
    }, 'Connection works');
  };

  return (
    <>
      <PageHeading
        title="S3 storage"
        intro="Send the live video to an S3-compatible bucket (AWS, Backblaze, Wasabi, MinIO…), often behind a CDN, instead of serving it from this machine."
      />
      <form onSubmit={save} noValidate>
        <Section
          title="Storage provider"
          description={
            <ul class="notes">
              <li>Applies at the next stream. Only the live stream is stored there; nothing is archived.</li>
              <li>Wrong settings make the video unplayable: use Test connection before you save.</li>
              <li>The bucket must allow public reads (and CORS from your page) for viewers to play.</li>
            </ul>
          }
        >
          {status?.online && <p class="banner">You are live: saved changes apply from the next stream.</p>}
          <div class="toggle-row toggle-main">
            <input
              id={`${base}-enabled`}
              type="checkbox"
              role="switch"
              class="switch"
              checked={form.enabled}
              onChange={(event) => set({ enabled: event.currentTarget.checked })}
            />
            <label for={`${base}-enabled`} class="setting-label">
              Use S3 storage
            </label>
          </div>
          <div class="grid-2 tight">
            {field('endpoint', 'Endpoint', { placeholder: 'https://s3.us-east-1.amazonaws.com', type: 'url' })}
            {field('bucket', 'Bucket', { placeholder: 'my-stream' })}
            {field('accessKey', 'Access key')}
            {field('secret', 'Secret key', { secret: true })}
            {field('region', 'Region', { placeholder: 'us-east-1' })}
          </div>
          <details class="details">
            <summary>Optional settings</summary>
            <div class="grid-2 tight">
              {field('acl', 'ACL', { placeholder: 'public-read', help: 'A canned ACL for each uploaded file. Empty means public-read.' })}
              {field('servingEndpoint', 'Serving endpoint', {
                placeholder: 'https://cdn.example.com',
                type: 'url',
                help: 'Where viewers fetch the video, e.g. a CDN in front of the bucket. The video serving endpoint below wins when both are set.',
              })}
              {field('pathPrefix', 'Path prefix', {
                placeholder: 'streams/my-channel',
                help: 'A folder in the bucket for the live video (kept under <prefix>/hls/). Empty means the top of the bucket.',
              })}
            </div>
            <div class="toggle-row">
              <input
                id={`${base}-path-style`}
                type="checkbox"
                role="switch"
                class="switch"
                checked={form.forcePathStyle}
                onChange={(event) => set({ forcePathStyle: event.currentTarget.checked })}
              />
              <label for={`${base}-path-style`}>Force path-style URLs (MinIO and some other services need this)</label>
            </div>
          </details>
          <div class="form-actions">
            <button type="button" class="button" onClick={() => void test()} disabled={testing.state.kind === 'saving'} aria-describedby={`${base}-test`}>
              Test connection
            </button>
            <button type="submit" class="button primary" disabled={saving.state.kind === 'saving'} aria-describedby={`${base}-save`}>
              Save
            </button>
          </div>
          <SaveStatus id={`${base}-test`} state={testing.state} />
          <SaveStatus id={`${base}-save`} state={saving.state} />
        </Section>
      </form>
      <Section title="Video serving endpoint">
        <TextSetting
          label="Serving endpoint"
          path="videoservingendpoint"
          type="url"
          monospace
          value={config.videoServingEndpoint ?? ''}
          placeholder="https://cdn.example.com"
          validate={(value) => (value && !isHttpUrl(value) ? 'Use a full http:// or https:// address.' : null)}
          help="Leave empty. Set it when a CDN in front of this server (or, with S3 storage, in front of the bucket) serves your video: players then fetch the video from there. With S3 it is read at stream start."
          onSaved={(videoServingEndpoint) => patchConfig((c) => ({ ...c, videoServingEndpoint }))}
        />
      </Section>
    </>
  );
}
