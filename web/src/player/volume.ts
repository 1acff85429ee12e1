// Viewer volume, remembered across visits under the key Owncast's page used.
const KEY = 'owncast_volume';

/** The stored volume in [0, 1] (0 = the viewer muted), or null when never stored or unreadable. */
export function loadVolume(): number | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === null) return null;
    const value = Number(raw);
    return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : null;
  } catch {
    return null;
  }
}

export function saveVolume(volume: number): void {
  try {
    localStorage.setItem(KEY, String(Math.round(volume * 100) / 100));
  } catch {
    // Private mode or storage full: the volume just isn't remembered.
  }
}
