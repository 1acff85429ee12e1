// A list of short strings (tags, forbidden names, blocked domains) edited as removable chips; every add
// or remove saves the whole list, as Owncast's admin does.

import type { ComponentChildren } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import { saveSetting } from '../api';
import { SaveStatus, useSave } from './save';

export interface ListSettingProps {
  label: string;
  /** Names one item in button labels ("Remove tag music"). */
  itemName: string;
  path: string;
  value: string[];
  onSaved: (value: string[]) => void;
  help?: ComponentChildren;
  placeholder?: string;
  maxItemLength?: number;
  maxItems?: number;
  /** Lower-cased before comparing and storing (domains, names). */
  lowercase?: boolean;
  validateItem?: (item: string) => string | null;
  /** Shown while the list is shorter than this (e.g. suggested names: fewer than 10 falls back to random). */
  minHint?: { count: number; text: string };
  prefix?: string;
}

export function ListSetting(props: ListSettingProps) {
  const id = useId();
  const [items, setItems] = useState(props.value);
  const [draft, setDraft] = useState('');
  const { state, run, fail, clear } = useSave();
  useEffect(() => setItems(props.value), [props.value]);

  const save = async (next: string[], message: string) => {
    const previous = items;
    setItems(next);
    const ok = await run(() => saveSetting(props.path, next), message);
    if (ok) props.onSaved(next);
    else setItems(previous);
    return ok;
  };

  const add = async (event: Event) => {
    event.preventDefault();
    const parts = draft
      .split(',')
      .map((part) => (props.lowercase ? part.trim().toLowerCase() : part.trim()))
      .filter(Boolean);
    if (!parts.length) return fail(`Type a ${props.itemName} first.`);
    const next = [...items];
    for (const item of parts) {
      if (props.maxItemLength !== undefined && [...item].length > props.maxItemLength) {
        return fail(`A ${props.itemName} can be at most ${props.maxItemLength} characters.`);
      }
      const problem = props.validateItem?.(item);
      if (problem) return fail(problem);
      if (next.some((existing) => existing.toLowerCase() === item.toLowerCase())) {
        return fail(`“${item}” is already in the list.`);
      }
      next.push(item);
    }
    if (props.maxItems !== undefined && next.length > props.maxItems) {
      return fail(`At most ${props.maxItems} entries.`);
    }
    if (await save(next, parts.length === 1 ? `Added “${parts[0]}”` : `Added ${parts.length}`)) setDraft('');
  };

  const remove = (item: string) => save(items.filter((existing) => existing !== item), `Removed “${item}”`);

  return (
    <div class="setting list-setting">
      <form class="setting-row" onSubmit={add} noValidate>
        <div class="list-input">
          <label for={id} class="setting-label">
            {props.label}
          </label>
          <input
            id={id}
            value={draft}
            placeholder={props.placeholder}
            autoComplete="off"
            aria-describedby={`${id}-status${props.help ? ` ${id}-help` : ''}`}
            onInput={(event) => {
              setDraft(event.currentTarget.value);
              if (state.kind === 'error') clear();
            }}
          />
        </div>
        <div class="setting-actions">
          <button type="submit" class="button primary">
            Add
          </button>
        </div>
      </form>
      {props.help && (
        <p id={`${id}-help`} class="help">
          {props.help}
        </p>
      )}
      {items.length > 0 ? (
        <ul class="chips" aria-label={`Current ${props.label.toLowerCase()}`}>
          {items.map((item) => (
            <li class="chip" key={item}>
              <span>
                {props.prefix}
                {item}
              </span>
              <button
                type="button"
                class="chip-remove"
                aria-label={`Remove ${props.itemName} ${item}`}
                onClick={() => void remove(item)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty-note">None yet.</p>
      )}
      {props.minHint && items.length < props.minHint.count && <p class="note">{props.minHint.text}</p>}
      <SaveStatus id={`${id}-status`} state={state} />
    </div>
  );
}
