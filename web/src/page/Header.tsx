import type { ServerConfig } from '../api';

export interface HeaderProps {
  config: ServerConfig | null;
  /** Stream title while live and set, else the server name. */
  title: string;
}

export function Header({ config, title }: HeaderProps) {
  return (
    <div id="top-content">
      <header class="page-header">
        <div class="logo-disc" id="logo-container">
          <img src={config?.logo || '/logo'} alt="" />
        </div>
        <h1 id="global-header-text" class="header-title" title={title}>
          {title}
        </h1>
      </header>
    </div>
  );
}
