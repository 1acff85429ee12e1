// The favicon (newer Owncast 0.2.5): upload a PNG or ICO of at most 200 KB, or go back to the icon drawn
// from the logo.

import { useId, useState } from 'preact/hooks';
import { deleteForResult, postJson } from '../api';
import { SaveStatus, useSave } from './save';

const TYPES = ['image/png', 'image/x-icon', 'image/vnd.microsoft.icon'];
const MAX_BYTES = 200 * 1024;

function dataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

export function FaviconSetting() {
  const id = useId();
  const [version, setVersion] = useState(Date.now());
  const { state, run, fail } = useSave();
  const choose = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (!TYPES.includes(file.type) && !/\.(png|ico)$/i.test(file.name)) return fail('Choose a PNG or ICO file.');
    if (file.size > MAX_BYTES) return fail('The favicon can be at most 200 KB.');
    const uri = await dataUrl(file);
    // Some systems report ICO files without a type: name the type from the extension.
    const value = /\.ico$/i.test(file.name) && !TYPES.includes(file.type) ? uri.replace(/^data:[^;,]*/, 'data:image/x-icon') : uri;
    if (await run(() => postJson('/api/admin/config/favicon', { value }), 'Favicon saved')) setVersion(Date.now());
  };
  const reset = async () => {
    if (await run(() => deleteForResult('/api/admin/config/favicon'), 'Favicon reset')) setVersion(Date.now());
  };
  return (
    <div class="setting">
      <label class="setting-label" for={id}>
        Favicon
      </label>
      <div class="setting-actions">
        <img src={`/favicon.ico?v=${version}`} alt="Current favicon" width={32} height={32} />
        <input id={id} type="file" accept=".png,.ico,image/png,image/x-icon" onChange={(event) => void choose(event)} aria-describedby={`${id}-help`} />
        <button type="button" class="button" onClick={() => void reset()}>
          Use the logo
        </button>
      </div>
      <p id={`${id}-help`} class="help">
        The small icon in browser tabs: a PNG or ICO, at most 200 KB. Without one, it is drawn from your logo.
      </p>
      <SaveStatus id={`${id}-status`} state={state} />
    </div>
  );
}
