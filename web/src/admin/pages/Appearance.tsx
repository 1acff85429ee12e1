// Configuration → Appearance: newer Owncast's appearance variables (`config/appearance`), the colours of
// the viewer page as CSS custom properties. Each colour saves the whole set; Reset removes one.

import { useState } from 'preact/hooks';
import { saveSetting } from '../api';
import { PageHeading } from '../components/bits';
import { Section } from '../components/fields';
import { SaveStatus, useSave } from '../components/save';
import { useAdmin, useConfig } from '../state';

/** The viewer page's own colour variables (web/src/styles/main.css), with their defaults. */
export const PAGE_COLOURS: [name: string, label: string, fallback: string][] = [
  ['page-bg', 'Page background', '#12141b'],
  ['panel-bg', 'Panels (chat, about)', '#1b1e28'],
  ['header-bg', 'Header', '#0c0d12'],
  ['text', 'Text', '#e9eaf0'],
  ['text-muted', 'Secondary text', '#a3a7b7'],
  ['accent', 'Links and buttons', '#5b8def'],
  ['accent-strong', 'Buttons, pressed', '#3d6fd6'],
  ['live', 'Live badge', '#2fbf71'],
];

export function Appearance() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const stored = config.instanceDetails.appearanceVariables ?? {};
  const [draft, setDraft] = useState<Record<string, string>>(stored);
  const { state, run } = useSave();
  const save = async (next: Record<string, string>, done: string) => {
    setDraft(next);
    if (await run(() => saveSetting('appearance', next), done)) {
      patchConfig((c) => ({ ...c, instanceDetails: { ...c.instanceDetails, appearanceVariables: next } }));
    }
  };
  return (
    <>
      <PageHeading title="Appearance" intro="The colours of your page. Viewers see a change when they next load it." />
      <Section title="Colours" description={<p>Pick a colour to save it. Reset goes back to the built-in colour.</p>}>
        <div class="colour-grid">
          {PAGE_COLOURS.map(([name, label, fallback]) => (
            <div class="setting colour-setting" key={name}>
              <label class="setting-label" for={`colour-${name}`}>
                {label}
              </label>
              <div class="setting-actions">
                <input
                  id={`colour-${name}`}
                  type="color"
                  value={draft[name] ?? fallback}
                  onChange={(event) =>
                    void save({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value }, `${label} saved`)
                  }
                />
                <button
                  type="button"
                  class="button small"
                  disabled={!(name in draft)}
                  onClick={() => {
                    const next = { ...draft };
                    delete next[name];
                    void save(next, `${label} reset`);
                  }}
                >
                  Reset<span class="visually-hidden"> {label}</span>
                </button>
              </div>
            </div>
          ))}
        </div>
        <SaveStatus id="appearance-status" state={state} />
      </Section>
    </>
  );
}
