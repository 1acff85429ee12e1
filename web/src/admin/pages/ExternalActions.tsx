// Integrations → External Actions: buttons on your page that open another site (reference §2.3).
// The whole list is saved with each change.

import { useId, useState } from 'preact/hooks';
import { saveSetting } from '../api';
import { DataTable, PageHeading } from '../components/bits';
import { Section } from '../components/fields';
import { Modal, useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { isHttpUrl, safeHttpUrl } from '../safe';
import { useAdmin, useConfig } from '../state';
import type { ExternalAction } from '../types';

const EMPTY: ExternalAction = { url: '', title: '', description: '', icon: '', color: '', openExternally: false };
const COLOR = /^#[0-9a-fA-F]{6}$/;

function ActionEditor({
  initial,
  onSave,
  onClose,
}: {
  initial: ExternalAction;
  onSave: (action: ExternalAction) => Promise<boolean>;
  onClose: () => void;
}) {
  const [action, setAction] = useState<ExternalAction>({ ...EMPTY, ...initial });
  const [error, setError] = useState<string | null>(null);
  const base = useId();
  const set = (change: Partial<ExternalAction>) => setAction((current) => ({ ...current, ...change }));
  const text = (key: 'url' | 'title' | 'description' | 'icon', label: string, placeholder: string, help?: string) => (
    <div class="field">
      <label for={`${base}-${key}`} class="setting-label">
        {label}
      </label>
      <input
        id={`${base}-${key}`}
        value={action[key] ?? ''}
        placeholder={placeholder}
        type={(key === 'url' || key === 'icon' ? 'url' : 'text') as 'text'}
        aria-describedby={help ? `${base}-${key}-help` : undefined}
        onInput={(event) => set({ [key]: event.currentTarget.value })}
      />
      {help && (
        <p id={`${base}-${key}-help`} class="help">
          {help}
        </p>
      )}
    </div>
  );
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!isHttpUrl(action.url, { httpsOnly: true })) return setError('The URL must be a full https:// address.');
    if (!action.title?.trim()) return setError('Give the action a title.');
    if (action.icon && !isHttpUrl(action.icon) && !action.icon.startsWith('/')) return setError('The icon must be a full address.');
    const clean: ExternalAction = { ...action, url: action.url.trim(), title: action.title.trim() };
    if (await onSave(clean)) onClose();
    else setError('Not saved: see the message under the list.');
  };
  return (
    <Modal title={initial.url ? 'Edit external action' : 'Create an external action'} onClose={onClose}>
      <form class="stack" onSubmit={submit} noValidate>
        {text('url', 'URL', 'https://tips.example.com', 'The page the button opens. https only.')}
        {text('title', 'Title', 'Tip jar', 'The button’s text.')}
        {text('description', 'Description', 'Buy me a tea', 'Shown when hovering the button.')}
        {text('icon', 'Icon URL', 'https://tips.example.com/icon.png')}
        <div class="field">
          <label for={`${base}-color`} class="setting-label">
            Button colour
          </label>
          <div class="color-row">
            <input
              id={`${base}-color`}
              type="color"
              value={COLOR.test(action.color ?? '') ? action.color : '#5b8def'}
              onInput={(event) => set({ color: event.currentTarget.value })}
            />
            <button type="button" class="button small" onClick={() => set({ color: '' })}>
              Default colour
            </button>
          </div>
        </div>
        <div class="toggle-row">
          <input
            id={`${base}-external`}
            type="checkbox"
            checked={action.openExternally === true}
            onChange={(event) => set({ openExternally: event.currentTarget.checked })}
          />
          <label for={`${base}-external`}>Open in a new tab instead of within your page</label>
        </div>
        <p class="save-status save-error" role="status">
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

export function ExternalActions() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const actions = config.externalActions;
  const [editing, setEditing] = useState<{ index: number | null } | null>(null);
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();
  const save = async (next: ExternalAction[], message: string) => {
    const ok = await run(() => saveSetting('externalactions', next), message);
    if (ok) patchConfig((c) => ({ ...c, externalActions: next }));
    return ok;
  };
  const remove = async (index: number) => {
    if (await confirm({ title: `Delete “${actions[index].title}”?`, message: <p>{actions[index].url}</p>, confirmLabel: 'Delete', danger: true })) {
      await save(actions.filter((_, i) => i !== index), 'Action deleted');
    }
  };
  return (
    <>
      <PageHeading title="External actions" intro="Buttons above your page's content that open another site: a tip jar, a merch shop, a poll." />
      <Section
        title="Your actions"
        actions={
          <button type="button" class="button primary" onClick={() => setEditing({ index: null })}>
            Create action
          </button>
        }
      >
        <SaveStatus id="actions-status" state={state} />
        <DataTable
          caption="External actions"
          rows={actions.map((action, index) => ({ action, index }))}
          rowKey={({ action, index }) => `${index}-${action.url}`}
          empty="No external actions yet."
          columns={[
            {
              label: 'Title',
              render: ({ action }) => (
                <span class="action-title">
                  {safeHttpUrl(action.icon) && <img src={safeHttpUrl(action.icon) ?? ''} alt="" width={20} height={20} />}
                  {action.title}
                </span>
              ),
            },
            { label: 'URL', render: ({ action }) => <span class="break">{action.url}</span> },
            { label: 'Opens', render: ({ action }) => (action.openExternally ? 'New tab' : 'On your page') },
            {
              label: 'Actions',
              hideLabel: true,
              render: ({ action, index }) => (
                <span class="row-actions">
                  <button type="button" class="button small" aria-label={`Edit ${action.title}`} onClick={() => setEditing({ index })}>
                    Edit
                  </button>
                  <button type="button" class="button small danger" aria-label={`Delete ${action.title}`} onClick={() => void remove(index)}>
                    Delete
                  </button>
                </span>
              ),
            },
          ]}
        />
      </Section>
      {editing && (
        <ActionEditor
          initial={editing.index === null ? EMPTY : actions[editing.index]}
          onClose={() => setEditing(null)}
          onSave={(action) => {
            const next = [...actions];
            if (editing.index === null) next.push(action);
            else next[editing.index] = action;
            return save(next, 'Actions saved');
          }}
        />
      )}
      {dialog}
    </>
  );
}
