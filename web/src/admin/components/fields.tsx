// Settings that save themselves, as Owncast's admin does: a text field saves on Enter or its Save button,
// a toggle saves at once, each shows "Saved" or the server's own message next to it (reference §2.1).
// Client-side checks mirror the server's limits; the server stays the authority.

import type { ComponentChildren } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import { saveSetting } from '../api';
import type { SimpleResult } from '../types';
import { SaveStatus, useSave } from './save';

const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(bytes % 1024 ? 1 : 0)} KiB`;
}

interface Described {
  label: string;
  help?: ComponentChildren;
}

export interface TextSettingProps extends Described {
  /** After `/api/admin/config/`. */
  path?: string;
  /** Instead of `path`: how to save (e.g. several setters, or a different endpoint). */
  save?: (value: string) => Promise<SimpleResult>;
  value: string;
  onSaved: (value: string) => void;
  type?: 'text' | 'url' | 'password' | 'number';
  placeholder?: string;
  maxLength?: number;
  /** A limit in UTF-8 bytes (the server's unit for long texts), instead of characters. */
  maxBytes?: number;
  required?: boolean;
  /** A message when the value is not acceptable, checked before sending. */
  validate?: (value: string) => string | null;
  /** The JSON value sent (default: the trimmed text). */
  toValue?: (value: string) => unknown;
  autoComplete?: string;
  inputMode?: 'numeric' | 'url' | 'text';
  /** Extra controls after the Save button (e.g. Copy, Generate). */
  extra?: ComponentChildren;
  multiline?: boolean;
  rows?: number;
  monospace?: boolean;
  /** Shown under the field while typing (e.g. a Markdown preview). */
  below?: (draft: string) => ComponentChildren;
  /** Lets a parent put a new value in the field (e.g. "Generate"), leaving it unsaved. */
  draftOverride?: { value: string; serial: number };
}

export function TextSetting(props: TextSettingProps) {
  const id = useId();
  const [draft, setDraft] = useState(props.value);
  const { state, run, fail, clear } = useSave();
  useEffect(() => setDraft(props.value), [props.value]);
  useEffect(() => {
    if (props.draftOverride) setDraft(props.draftOverride.value);
  }, [props.draftOverride?.serial]);
  const dirty = draft !== props.value;

  const submit = async (event?: Event) => {
    event?.preventDefault();
    const text = props.type === 'password' || props.multiline ? draft : draft.trim();
    if (props.required && !text.trim()) return fail(`${props.label} is required.`);
    if (props.maxLength !== undefined && [...text].length > props.maxLength) {
      return fail(`${props.label} can be at most ${props.maxLength} characters.`);
    }
    if (props.maxBytes !== undefined && utf8Length(text) > props.maxBytes) {
      return fail(`${props.label} can be at most ${formatBytes(props.maxBytes)}.`);
    }
    const problem = props.validate?.(text);
    if (problem) return fail(problem);
    const value = props.toValue ? props.toValue(text) : text;
    const ok = await run(() => (props.save ? props.save(text) : saveSetting(props.path ?? '', value)));
    if (ok) {
      setDraft(text);
      props.onSaved(text);
    }
  };

  const describedBy = `${id}-status${props.help ? ` ${id}-help` : ''}`;
  const common = {
    id,
    value: draft,
    placeholder: props.placeholder,
    required: props.required,
    'aria-describedby': describedBy,
    'aria-invalid': state.kind === 'error' ? true : undefined,
    class: props.monospace ? 'mono' : undefined,
    onInput: (event: Event) => {
      setDraft((event.currentTarget as HTMLInputElement).value);
      if (state.kind === 'error') clear();
    },
  };
  return (
    <form class={`setting${props.multiline ? ' setting-multiline' : ''}`} onSubmit={submit} noValidate>
      <label for={id} class="setting-label">
        {props.label}
      </label>
      <div class="setting-row">
        {props.multiline ? (
          <textarea
            {...common}
            rows={props.rows ?? 4}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit(event);
            }}
          />
        ) : (
          <input
            {...common}
            type={(props.type === 'number' ? 'text' : (props.type ?? 'text')) as 'text'}
            inputMode={props.type === 'number' ? 'numeric' : props.inputMode}
            autoComplete={props.autoComplete ?? 'off'}
            spellcheck={props.type === 'url' || props.monospace ? false : undefined}
          />
        )}
        <div class="setting-actions">
          <button
            type="submit"
            class="button primary"
            aria-label={`Save ${props.label.toLowerCase()}`}
            disabled={!dirty || state.kind === 'saving'}
          >
            Save
          </button>
          {props.extra}
          {props.maxLength !== undefined && props.multiline && (
            <span class="counter" aria-hidden="true">
              {[...draft].length.toLocaleString()} / {props.maxLength.toLocaleString()}
            </span>
          )}
          {props.maxBytes !== undefined && props.multiline && (
            <span class="counter" aria-hidden="true">
              {formatBytes(utf8Length(draft))} of {formatBytes(props.maxBytes)}
            </span>
          )}
        </div>
      </div>
      {props.help && (
        <p id={`${id}-help`} class="help">
          {props.help}
        </p>
      )}
      <SaveStatus id={`${id}-status`} state={state} />
      {props.below?.(draft)}
    </form>
  );
}

export interface ToggleSettingProps extends Described {
  path?: string;
  save?: (value: boolean) => Promise<SimpleResult>;
  value: boolean;
  onSaved: (value: boolean) => void;
  disabled?: boolean;
  /** Asked before turning on; false cancels. */
  confirmOn?: () => Promise<boolean>;
}

export function ToggleSetting(props: ToggleSettingProps) {
  const id = useId();
  const [checked, setChecked] = useState(props.value);
  const { state, run } = useSave();
  useEffect(() => setChecked(props.value), [props.value]);
  const change = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const next = input.checked;
    if (next && props.confirmOn && !(await props.confirmOn())) {
      input.checked = false;
      return;
    }
    setChecked(next);
    const ok = await run(() => (props.save ? props.save(next) : saveSetting(props.path ?? '', next)));
    if (ok) props.onSaved(next);
    else setChecked(!next);
  };
  return (
    <div class="setting setting-toggle">
      <div class="toggle-row">
        <input
          id={id}
          type="checkbox"
          role="switch"
          class="switch"
          checked={checked}
          disabled={props.disabled || state.kind === 'saving'}
          aria-describedby={`${id}-status${props.help ? ` ${id}-help` : ''}`}
          onChange={change}
        />
        <label for={id} class="setting-label">
          {props.label}
        </label>
      </div>
      {props.help && (
        <p id={`${id}-help`} class="help">
          {props.help}
        </p>
      )}
      <SaveStatus id={`${id}-status`} state={state} />
    </div>
  );
}

/** A group of settings with a heading, as a card. */
export function Section({
  title,
  description,
  children,
  id,
  actions,
}: {
  title: string;
  description?: ComponentChildren;
  children: ComponentChildren;
  id?: string;
  actions?: ComponentChildren;
}) {
  const headingId = useId();
  return (
    <section class="card" aria-labelledby={headingId} id={id}>
      <div class="card-head">
        <h2 id={headingId}>{title}</h2>
        {actions && <div class="card-actions">{actions}</div>}
      </div>
      {description && <div class="card-description">{description}</div>}
      {children}
    </section>
  );
}
