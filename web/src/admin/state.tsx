// What every page shares: the server configuration (read once, patched locally after each save) and the
// stream status (polled every 15 s, as Owncast's admin does).

import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { getJson } from './api';
import { usePoll } from './poll';
import type { AdminStatus, ServerConfig } from './types';

export const STATUS_INTERVAL_MS = 15_000;

export interface AdminState {
  config: ServerConfig | null;
  configError: string | null;
  /** Applies a change the server accepted to the local copy, so every page shows it at once. */
  patchConfig: (change: (config: ServerConfig) => ServerConfig) => void;
  reloadConfig: () => Promise<void>;
  status: AdminStatus | null;
  reloadStatus: () => Promise<void>;
}

const AdminContext = createContext<AdminState | null>(null);

export function AdminProvider({ children }: { children: ComponentChildren }) {
  const [config, setConfig] = useState<ServerConfig | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  const reloadConfig = useCallback(async () => {
    try {
      setConfig(await getJson<ServerConfig>('/api/admin/serverconfig'));
      setConfigError(null);
    } catch (error) {
      setConfigError(error instanceof Error ? error.message : String(error));
    }
  }, []);
  useEffect(() => {
    void reloadConfig();
  }, [reloadConfig]);
  const patchConfig = useCallback((change: (config: ServerConfig) => ServerConfig) => {
    setConfig((current) => (current ? change(current) : current));
  }, []);
  const status = usePoll(() => getJson<AdminStatus>('/api/admin/status'), STATUS_INTERVAL_MS);
  const value = useMemo<AdminState>(
    () => ({
      config,
      configError,
      patchConfig,
      reloadConfig,
      status: status.data,
      reloadStatus: status.reload,
    }),
    [config, configError, patchConfig, reloadConfig, status.data, status.reload],
  );
  return <AdminContext.Provider value={value}>{children}</AdminContext.Provider>;
}

export function useAdmin(): AdminState {
  const state = useContext(AdminContext);
  if (!state) throw new Error('useAdmin outside AdminProvider');
  return state;
}

/** The configuration, for pages that render only once it has loaded (the shell waits for it). */
export function useConfig(): ServerConfig {
  const { config } = useAdmin();
  if (!config) throw new Error('configuration not loaded yet');
  return config;
}
