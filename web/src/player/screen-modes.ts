// Fullscreen and picture-in-picture, with the feature checks that decide whether their buttons show.

type WebkitVideo = HTMLVideoElement & { webkitEnterFullscreen?: () => void; webkitSupportsFullscreen?: boolean };

export function canFullscreen(container: HTMLElement | null, video: HTMLVideoElement | null): boolean {
  if (container && typeof container.requestFullscreen === 'function' && document.fullscreenEnabled !== false) return true;
  // iOS Safari only offers fullscreen on the video element itself.
  return typeof (video as WebkitVideo | null)?.webkitEnterFullscreen === 'function';
}

export function isFullscreen(container: HTMLElement | null): boolean {
  return container !== null && document.fullscreenElement === container;
}

export function toggleFullscreen(container: HTMLElement, video: HTMLVideoElement): void {
  if (document.fullscreenElement) {
    void document.exitFullscreen().catch(() => undefined);
    return;
  }
  if (typeof container.requestFullscreen === 'function') {
    void container.requestFullscreen().catch(() => undefined);
    return;
  }
  (video as WebkitVideo).webkitEnterFullscreen?.();
}

export function canPictureInPicture(video: HTMLVideoElement | null): boolean {
  return (
    video !== null &&
    document.pictureInPictureEnabled === true &&
    typeof video.requestPictureInPicture === 'function' &&
    !video.disablePictureInPicture
  );
}

export function togglePictureInPicture(video: HTMLVideoElement): void {
  if (document.pictureInPictureElement === video) {
    void document.exitPictureInPicture().catch(() => undefined);
  } else {
    void video.requestPictureInPicture().catch(() => undefined);
  }
}
