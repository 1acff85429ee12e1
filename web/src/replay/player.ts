// Playing a recorded playlist (a replay or a clip) in a <video>: hls.js, or Safari's own HLS.
import Hls from 'hls.js';

/** Attaches a replay or clip playlist to the video; returns the player's current program date time (ms) reader. */
export function attach(video: HTMLVideoElement, src: string): { playingDate: () => number | null; destroy: () => void } {
  if (Hls.isSupported()) {
    const hls = new Hls({ enableWorker: true, workerPath: __HLS_WORKER_URL__, backBufferLength: 30 });
    hls.loadSource(src);
    hls.attachMedia(video);
    return {
      playingDate: () => hls.playingDate?.getTime() ?? null,
      destroy: () => hls.destroy(),
    };
  }
  video.src = src; // Safari plays HLS itself and maps program date time through getStartDate().
  const native = video as HTMLVideoElement & { getStartDate?: () => Date };
  return {
    playingDate: () => {
      const start = native.getStartDate?.().getTime();
      return start === undefined || Number.isNaN(start) ? null : start + video.currentTime * 1000;
    },
    destroy: () => video.removeAttribute('src'),
  };
}
