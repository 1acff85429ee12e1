// The tabs of the page: About and Followers under the stream information, and on phones also Chat, in a
// bar pinned under the video so every part of the page stays one tap away while chat is open.
// ARIA tabs: arrow keys move between them, each controls its panel.

export type TabId = 'chat' | 'about' | 'followers';

export interface Tab {
  id: TabId;
  label: string;
  /** The element the tab shows. */
  panel: string;
}

export interface PageTabsProps {
  tabs: Tab[];
  selected: TabId;
  onSelect: (tab: TabId) => void;
  /** `bar`: the phone's bar under the video; `inline`: above the information on wide screens. */
  variant: 'bar' | 'inline';
}

export function PageTabs({ tabs, selected, onSelect, variant }: PageTabsProps) {
  const onKey = (event: KeyboardEvent): void => {
    const at = tabs.findIndex((t) => t.id === selected);
    let next = -1;
    if (event.key === 'ArrowRight') next = (at + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (at + tabs.length - 1) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    event.preventDefault();
    onSelect(tabs[next]!.id);
    (event.currentTarget as HTMLElement).querySelector<HTMLElement>(`[data-tab="${tabs[next]!.id}"]`)?.focus();
  };
  return (
    <div class={`page-tabs page-tabs_${variant}`} role="tablist" aria-label="Page sections" onKeyDown={onKey}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          id={`tab-${variant}-${tab.id}`}
          data-tab={tab.id}
          class={`page-tab${tab.id === selected ? ' active' : ''}`}
          aria-selected={tab.id === selected}
          aria-controls={tab.panel}
          tabIndex={tab.id === selected ? 0 : -1}
          onClick={() => onSelect(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
