// /api/config, fetched once per page (retried until the server answers).
import { useEffect, useState } from 'preact/hooks';
import { fetchConfig, type ServerConfig } from './api';

const CONFIG_RETRY_MS = 5000;

export function useConfig(): ServerConfig | null {
  const [config, setConfig] = useState<ServerConfig | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const load = (): void => {
      fetchConfig().then(
        (c) => !stopped && setConfig(c),
        () => {
          if (!stopped) timer = window.setTimeout(load, CONFIG_RETRY_MS);
        },
      );
    };
    load();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, []);
  return config;
}
