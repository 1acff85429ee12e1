import { type ComponentChild, render } from 'preact';

/** Replaces the loading logo in #app with the application. */
export function mount(app: ComponentChild): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('Ownstream: #app element missing from the page');
  root.textContent = '';
  render(app, root);
}
