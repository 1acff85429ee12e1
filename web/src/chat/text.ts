// Reading server HTML as text, and marking the viewer's own name in a message, without ever parsing
// anything but the server's sanitized HTML (names and search strings stay text nodes).

/** Visible text of `html`; custom emoji count as their `:name:` label. */
export function plainText(html: string): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  for (const img of Array.from(template.content.querySelectorAll('img'))) {
    img.replaceWith(img.getAttribute('alt') ?? '');
  }
  return (template.content.textContent ?? '').replace(/\s+/g, ' ').trim();
}

const WORD_CHARACTER = /[\p{L}\p{N}_]/u;

function isBoundary(text: string, index: number): boolean {
  return index < 0 || index >= text.length || !WORD_CHARACTER.test(text[index]!);
}

/** Where `name` occurs in `text` as a whole word, case-insensitively: [start, end) pairs. */
export function findMentions(text: string, name: string): [number, number][] {
  const needle = name.trim().toLocaleLowerCase();
  if (needle.length < 2) return [];
  const haystack = text.toLocaleLowerCase();
  const found: [number, number][] = [];
  // Lower-casing can change lengths in rare scripts; only trust positions when it did not.
  if (haystack.length !== text.length) return found;
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) break;
    const end = at + needle.length;
    if (isBoundary(text, at - 1) && isBoundary(text, end)) found.push([at, end]);
    from = end;
  }
  return found;
}

/** `html` with every mention of `name` in its text wrapped in <mark class="chat-mention">. */
export function highlightMentions(html: string, name: string): string {
  const needle = name.trim().toLocaleLowerCase();
  if (needle.length < 2) return html;
  // Cheap rejection first; a name with markup characters appears escaped in the HTML, so parse anyway.
  if (!/[&<>"']/.test(needle) && !html.toLocaleLowerCase().includes(needle)) return html;
  const template = document.createElement('template');
  template.innerHTML = html;
  const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
  let changed = false;
  for (const node of nodes) {
    const text = node.data;
    const spans = findMentions(text, name);
    if (spans.length === 0) continue;
    changed = true;
    const parts = document.createDocumentFragment();
    let at = 0;
    for (const [start, end] of spans) {
      if (start > at) parts.append(text.slice(at, start));
      const mark = document.createElement('mark');
      mark.className = 'chat-mention';
      mark.textContent = text.slice(start, end);
      parts.append(mark);
      at = end;
    }
    if (at < text.length) parts.append(text.slice(at));
    node.replaceWith(parts);
  }
  return changed ? template.innerHTML : html;
}
