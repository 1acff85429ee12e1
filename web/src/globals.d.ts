// Build-time constants (see build.mjs `define`) and the hls.js "light" entry, which ships no typings.

/** Public URL of hls.js's worker script, copied next to the bundle with a content hash. */
declare const __HLS_WORKER_URL__: string;
/** The notify button's service worker, `/static/push-worker-<hash>.js`. */
declare const __PUSH_WORKER_URL__: string;

declare module 'hls.js/light' {
  import Hls from 'hls.js';
  export default Hls;
  export * from 'hls.js';
}

/** Stylesheets are imported for their side effect; esbuild extracts them into a .css file. */
declare module '*.css';

/** Public URL of the emoji picker's data file (emoji-picker-element-data), copied with a content hash. */
declare const __EMOJI_DATA_URL__: string;
