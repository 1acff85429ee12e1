// Configuration → Video: output variants (table + editor with Owncast's ranges), the latency level and
// the codec, from the encoders the ffmpeg in use has (reference §2.3).

import { useId, useState } from 'preact/hooks';
import { saveSetting } from '../api';
import { PageHeading } from '../components/bits';
import { Section } from '../components/fields';
import { Modal, useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { formatKbps } from '../format';
import { LIMITS } from '../limits';
import { useAdmin, useConfig } from '../state';
import type { VideoVariant } from '../types';

export const BITRATE = { min: 400, max: 6000, step: 100, default: 800 };
export const FRAMERATES = [24, 25, 30, 50, 60, 90, 120];
const CPU_LEVELS = ['lowest', 'low', 'medium', 'high', 'highest'];

// Measured through the viewer page (docs/benchmarks.md, "Low-latency HLS"): levels 0–1 are low-latency HLS.
export const LATENCY_HELP = [
  'Lowest latency: about 1.5 s behind live (low-latency HLS, 1 s segments). Viewers on slow or unsteady connections may buffer.',
  'Low latency: about 1.5–3 s behind live (low-latency HLS, 2 s segments), a little more room for unsteady connections.',
  'Balanced (about 9 s): the default. Standard HLS with 3 s segments, for most streams and every player.',
  'More buffer (about 11 s): fewer interruptions on weak connections.',
  'Highest reliability (about 13 s or more): the most tolerant of bad networks.',
];

export const CODEC_NAMES: Record<string, [string, string]> = {
  libx264: ['Default (libx264)', 'Encodes on the CPU. Works everywhere.'],
  h264_nvenc: ['NVIDIA GPU acceleration', 'Needs an NVIDIA graphics card and its drivers.'],
  h264_vaapi: ['VA-API hardware encoding', 'Intel and AMD graphics on Linux (/dev/dri).'],
  h264_qsv: ['Intel QuickSync', 'Intel graphics with QuickSync support.'],
  h264_v4l2m2m: ['Video4Linux hardware encoding', 'Hardware encoders of single-board computers.'],
  h264_omx: ['OpenMax (omx) for Raspberry Pi', 'Older Raspberry Pi models.'],
};

const NEW_VARIANT: VideoVariant = {
  name: '',
  videoPassthrough: false,
  audioPassthrough: true,
  videoBitrate: BITRATE.default,
  audioBitrate: 0,
  framerate: 24,
  cpuUsageLevel: 3,
};

function bitrateNote(kbps: number): string {
  if (kbps < 2000) return 'Good for viewers on low-bandwidth connections.';
  if (kbps < 3500) return 'Good for most viewers.';
  return 'Needs viewers on high-bandwidth connections.';
}

function Slider({
  label,
  value,
  min,
  max,
  step = 1,
  marks,
  format,
  disabled,
  help,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  marks?: number[];
  format: (value: number) => string;
  disabled?: boolean;
  help?: string;
  onChange: (value: number) => void;
}) {
  const id = useId();
  return (
    <div class="slider">
      <div class="slider-head">
        <label for={id} class="setting-label">
          {label}
        </label>
        <output for={id} class="slider-value">
          {format(value)}
        </output>
      </div>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        list={marks ? `${id}-marks` : undefined}
        aria-valuetext={format(value)}
        aria-describedby={help ? `${id}-help` : undefined}
        onInput={(event) => onChange(Number(event.currentTarget.value))}
      />
      {marks && (
        <datalist id={`${id}-marks`}>
          {marks.map((mark) => (
            <option value={mark} key={mark} />
          ))}
        </datalist>
      )}
      <div class="slider-ends" aria-hidden="true">
        <span>{format(min)}</span>
        <span>{format(max)}</span>
      </div>
      {help && (
        <p id={`${id}-help`} class="help">
          {help}
        </p>
      )}
    </div>
  );
}

function VariantEditor({
  initial,
  onSave,
  onClose,
}: {
  initial: VideoVariant;
  onSave: (variant: VideoVariant) => Promise<boolean>;
  onClose: () => void;
}) {
  const [variant, setVariant] = useState<VideoVariant>({
    ...initial,
    framerate: initial.framerate || 24,
    videoBitrate: initial.videoBitrate || BITRATE.default,
    cpuUsageLevel: Math.min(5, Math.max(1, initial.cpuUsageLevel || 3)),
  });
  const [error, setError] = useState<string | null>(null);
  const [confirm, dialog] = useConfirm();
  const base = useId();
  const set = (change: Partial<VideoVariant>) => setVariant((current) => ({ ...current, ...change }));
  const pass = variant.videoPassthrough;

  const size = (key: 'scaledWidth' | 'scaledHeight', label: string, placeholder: string) => (
    <div class="field">
      <label for={`${base}-${key}`} class="setting-label">
        {label}
      </label>
      <input
        id={`${base}-${key}`}
        inputMode="numeric"
        maxLength={4}
        placeholder={placeholder}
        disabled={pass}
        value={variant[key] ? String(variant[key]) : ''}
        onInput={(event) => {
          const digits = event.currentTarget.value.replace(/\D/g, '').slice(0, 4);
          set({ [key]: digits ? Number(digits) : undefined });
        }}
      />
    </div>
  );

  const submit = async (event: Event) => {
    event.preventDefault();
    if ([...variant.name].length > LIMITS.variantName) return setError(`The name can be at most ${LIMITS.variantName} characters.`);
    for (const key of ['scaledWidth', 'scaledHeight'] as const) {
      if (variant[key] && variant[key]! % 2) return setError('Width and height must be even numbers.');
    }
    const clean: VideoVariant = { ...variant, name: variant.name.trim() };
    if (!clean.scaledWidth) delete clean.scaledWidth;
    if (!clean.scaledHeight) delete clean.scaledHeight;
    if (await onSave(clean)) onClose();
    else setError('Not saved: see the message under the table.');
  };

  return (
    <Modal title="Edit video variant" onClose={onClose} wide>
      <form class="stack variant-form" onSubmit={submit} noValidate>
        <div class="field">
          <label for={`${base}-name`} class="setting-label">
            Name
          </label>
          <input
            id={`${base}-name`}
            value={variant.name}
            maxLength={LIMITS.variantName}
            placeholder="HD or Low"
            aria-describedby={`${base}-name-help`}
            onInput={(event) => set({ name: event.currentTarget.value })}
          />
          <p id={`${base}-name-help`} class="help">
            Shown in the player's quality menu.
          </p>
        </div>
        <Slider
          label="Video bitrate"
          value={variant.videoBitrate}
          min={BITRATE.min}
          max={BITRATE.max}
          step={BITRATE.step}
          marks={[400, 3000, 4500, 6000]}
          format={(kbps) => `${kbps} kbit/s`}
          disabled={pass}
          help={`Bitrate matters most for picture quality. ${bitrateNote(variant.videoBitrate)}`}
          onChange={(videoBitrate) => set({ videoBitrate })}
        />
        <Slider
          label="Frame rate"
          value={FRAMERATES.indexOf(variant.framerate) >= 0 ? FRAMERATES.indexOf(variant.framerate) : 0}
          min={0}
          max={FRAMERATES.length - 1}
          format={(index) => `${FRAMERATES[index]} fps`}
          disabled={pass}
          help="24–30 suits talks, film and most games; 50–60 fast action; 90–120 is experimental. Fewer frames save CPU and bandwidth."
          onChange={(index) => set({ framerate: FRAMERATES[index] })}
        />
        <Slider
          label="CPU or GPU use"
          value={variant.cpuUsageLevel}
          min={1}
          max={5}
          format={(level) => `${level} · ${CPU_LEVELS[level - 1]}`}
          disabled={pass}
          help="Lower levels are lighter on the server; higher levels give a better picture at the same bitrate."
          onChange={(cpuUsageLevel) => set({ cpuUsageLevel })}
        />
        <fieldset class="fieldset">
          <legend>Resize (optional)</legend>
          <p class="help">Set only one of the two to keep the picture's shape. Resizing costs extra CPU.</p>
          <div class="grid-2 tight">
            {size('scaledWidth', 'Width', '1080')}
            {size('scaledHeight', 'Height', '720')}
          </div>
        </fieldset>
        <fieldset class="fieldset">
          <legend>Passthrough (advanced)</legend>
          <div class="toggle-row">
            <input
              id={`${base}-video-pass`}
              type="checkbox"
              role="switch"
              class="switch"
              checked={pass}
              onChange={async (event) => {
                const input = event.currentTarget;
                if (input.checked) {
                  const ok = await confirm({
                    title: 'Use video passthrough?',
                    message: (
                      <p>
                        The video is sent to viewers exactly as your software encodes it. It saves CPU, but the stream
                        may not play for everyone (keyframes must come at least every segment). Only one variant
                        should use it.
                      </p>
                    ),
                    confirmLabel: 'Use passthrough',
                  });
                  if (!ok) {
                    input.checked = false;
                    return;
                  }
                }
                set({ videoPassthrough: input.checked });
              }}
            />
            <label for={`${base}-video-pass`}>Video passthrough (no re-encoding)</label>
          </div>
          <div class="toggle-row">
            <input
              id={`${base}-audio-pass`}
              type="checkbox"
              role="switch"
              class="switch"
              checked={variant.audioPassthrough}
              onChange={(event) => set({ audioPassthrough: event.currentTarget.checked })}
            />
            <label for={`${base}-audio-pass`}>Audio passthrough (send the audio as it comes)</label>
          </div>
        </fieldset>
        <p class="save-status save-error" role="status">
          {error}
        </p>
        <div class="modal-footer">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary">
            Save variant
          </button>
        </div>
      </form>
      {dialog}
    </Modal>
  );
}

function Variants() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const variants = config.videoSettings.videoQualityVariants;
  const [editing, setEditing] = useState<{ index: number | null } | null>(null);
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();

  const save = async (next: VideoVariant[], message: string) => {
    const ok = await run(() => saveSetting('video/streamoutputvariants', next), message);
    if (ok) patchConfig((c) => ({ ...c, videoSettings: { ...c.videoSettings, videoQualityVariants: next } }));
    return ok;
  };
  const remove = async (index: number) => {
    const ok = await confirm({
      title: 'Delete this variant?',
      message: <p>{variants[index].name || 'This variant'} is no longer offered to viewers from the next stream.</p>,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (ok) await save(variants.filter((_, i) => i !== index), 'Variant deleted');
  };

  return (
    <Section
      title="Stream output"
      description={<p>Each variant is one quality viewers can pick. Every variant is one more encode of the video, so each costs CPU. Changes apply at the next stream.</p>}
      actions={
        <button
          type="button"
          class="button primary"
          disabled={variants.length >= LIMITS.variants}
          onClick={() => setEditing({ index: null })}
        >
          Add a variant
        </button>
      }
    >
      <table class="data-table">
        <caption class="visually-hidden">Video variants</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Video bitrate</th>
            <th scope="col">Frame rate</th>
            <th scope="col">CPU use</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {variants.map((variant, index) => (
            <tr key={index}>
              <td data-label="Name">{variant.name || 'No name'}</td>
              <td data-label="Video bitrate">{variant.videoPassthrough ? 'Same as source' : formatKbps(variant.videoBitrate)}</td>
              <td data-label="Frame rate">{variant.videoPassthrough ? 'Same as source' : `${variant.framerate} fps`}</td>
              <td data-label="CPU use">{variant.videoPassthrough ? 'n/a' : CPU_LEVELS[Math.max(0, variant.cpuUsageLevel - 1)] ?? '—'}</td>
              <td class="actions">
                <span class="row-actions">
                  <button
                    type="button"
                    class="button small"
                    aria-label={`Edit variant ${variant.name || index + 1}`}
                    onClick={() => setEditing({ index })}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    class="button small danger"
                    aria-label={`Delete variant ${variant.name || index + 1}`}
                    disabled={variants.length === 1}
                    onClick={() => void remove(index)}
                  >
                    Delete
                  </button>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {variants.length === 1 && (
        <p class="note">Tip: add a second, lower-bitrate variant so viewers on slow connections can still watch.</p>
      )}
      <SaveStatus id="variants-status" state={state} />
      {editing && (
        <VariantEditor
          initial={editing.index === null ? NEW_VARIANT : variants[editing.index]}
          onClose={() => setEditing(null)}
          onSave={(variant) => {
            const next = [...variants];
            if (editing.index === null) next.push(variant);
            else next[editing.index] = variant;
            return save(next, editing.index === null ? 'Variant added' : 'Variant saved');
          }}
        />
      )}
      {dialog}
    </Section>
  );
}

function Latency() {
  const config = useConfig();
  const { patchConfig, status } = useAdmin();
  const saved = config.videoSettings.latencyLevel;
  const [level, setLevel] = useState(saved);
  const { state, run } = useSave();
  const id = useId();
  const commit = async (value: number) => {
    if (value === saved) return;
    const ok = await run(() => saveSetting('video/streamlatencylevel', value), 'Latency saved');
    if (ok) patchConfig((c) => ({ ...c, videoSettings: { ...c.videoSettings, latencyLevel: value } }));
    else setLevel(saved);
  };
  return (
    <Section
      title="Latency buffer"
      description={<p>How far behind live viewers are. Less delay means less room to absorb network hiccups, so more buffering for viewers on poor connections.</p>}
    >
      {status?.online && <p class="banner">You are live: a change applies from the next stream.</p>}
      <div class="slider">
        <div class="slider-head">
          <label for={id} class="setting-label">
            Latency level
          </label>
          <output for={id} class="slider-value">
            {level}
          </output>
        </div>
        <input
          id={id}
          type="range"
          min={0}
          max={4}
          step={1}
          value={level}
          aria-valuetext={`${level}: ${LATENCY_HELP[level]}`}
          aria-describedby={`${id}-help ${id}-status`}
          onInput={(event) => setLevel(Number(event.currentTarget.value))}
          onChange={(event) => void commit(Number(event.currentTarget.value))}
        />
        <div class="slider-ends" aria-hidden="true">
          <span>Lowest latency</span>
          <span>Highest reliability</span>
        </div>
        <p id={`${id}-help`} class="help strong">
          {LATENCY_HELP[level]}
        </p>
        <SaveStatus id={`${id}-status`} state={state} />
      </div>
    </Section>
  );
}

function Codec() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();
  const [value, setValue] = useState(config.videoCodec);
  const id = useId();
  const codecs = config.supportedCodecs.length ? config.supportedCodecs : [config.videoCodec];
  const change = async (event: Event) => {
    const next = (event.currentTarget as HTMLSelectElement).value;
    setValue(next);
    const [name] = CODEC_NAMES[next] ?? [next];
    const ok = await confirm({
      title: `Use ${name}?`,
      message: <p>The next stream is encoded with it. If this machine lacks the hardware it needs, the stream will not start; switch back to the default then.</p>,
      confirmLabel: 'Use it',
    });
    if (!ok) return setValue(config.videoCodec);
    if (await run(() => saveSetting('video/codec', next), 'Codec saved')) patchConfig((c) => ({ ...c, videoCodec: next }));
    else setValue(config.videoCodec);
  };
  return (
    <Section title="Video codec" description={<p>The encoders the ffmpeg in use offers.</p>}>
      <div class="setting">
        <label for={id} class="setting-label">
          Encoder
        </label>
        <select id={id} value={value} onChange={change} aria-describedby={`${id}-help ${id}-status`}>
          {codecs.map((codec) => (
            <option value={codec} key={codec}>
              {(CODEC_NAMES[codec] ?? [codec])[0]}
            </option>
          ))}
        </select>
        <p id={`${id}-help`} class="help">
          {(CODEC_NAMES[value] ?? [value, 'An encoder of the ffmpeg in use.'])[1]}
        </p>
        <SaveStatus id={`${id}-status`} state={state} />
      </div>
      {dialog}
    </Section>
  );
}

export function Video() {
  return (
    <>
      <PageHeading title="Video settings" intro="The qualities viewers get, the delay behind live, and the encoder." />
      <Variants />
      <Latency />
      <Codec />
    </>
  );
}
