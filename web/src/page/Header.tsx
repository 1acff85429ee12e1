import type { ComponentChildren } from 'preact';
import type { ServerConfig } from '../api';

export interface HeaderProps {
  config: ServerConfig | null;
  /** Stream title while live and set, else the server name. */
  title: string;
  /** Controls on the right: the chat name and the chat toggle. */
  children?: ComponentChildren;
}

export function Header({ config, title, children }: HeaderProps) {
  return (
    <div id="top-content">
      <header class="page-header">
        <div class="logo-disc" id="logo-container">
          <img src={config?.logo || '/logo'} alt="" />
        </div>
        <h1 id="global-header-text" class="header-title" title={title}>
          {title}
        </h1>
        {children && <div class="header-controls">{children}</div>}
      </header>
    </div>
  );
}
