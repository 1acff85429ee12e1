// Time-series charts with uPlot (a small maintained chart library), loaded on first use so pages
// without charts never download it. The chart is an image to assistive technology, with a text
// summary of the latest values as its label.

import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { parseTime } from '../format';
import type { Sample } from '../types';

export interface ChartSeries {
  label: string;
  /** A CSS colour. */
  color: string;
  samples: Sample[];
}

export interface TimeChartProps {
  title: string;
  series: ChartSeries[];
  unit?: string;
  /** Fixed y range, e.g. [0, 100] for percentages. */
  range?: [number, number];
  integer?: boolean;
}

const TIME_STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400, 604_800];
const COUNT_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000];

let library: Promise<typeof uPlot> | null = null;
function loadLibrary(): Promise<typeof uPlot> {
  library ??= import('uplot').then((module) => module.default);
  return library;
}

/** Aligns several series on one time axis (seconds), filling gaps with null. */
export function alignSeries(series: ChartSeries[]): uPlot.AlignedData {
  const times = new Set<number>();
  const maps = series.map((one) => {
    const byTime = new Map<number, number>();
    for (const sample of one.samples) {
      const when = parseTime(sample.time);
      if (!when) continue;
      const t = Math.round(when.getTime() / 1000);
      times.add(t);
      byTime.set(t, sample.value);
    }
    return byTime;
  });
  const xs = [...times].sort((a, b) => a - b);
  return [xs, ...maps.map((byTime) => xs.map((t) => byTime.get(t) ?? null))] as uPlot.AlignedData;
}

function summary(props: TimeChartProps): string {
  const parts = props.series.map((one) => {
    const last = one.samples[one.samples.length - 1];
    return last ? `${one.label} ${formatValue(last.value, props)}` : `${one.label}: no data`;
  });
  return `${props.title}. Latest: ${parts.join(', ')}.`;
}

function formatValue(value: number, props: TimeChartProps): string {
  const number = props.integer ? String(Math.round(value)) : value.toFixed(1);
  return props.unit ? `${number}${props.unit}` : number;
}

function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function TimeChart(props: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [failed, setFailed] = useState(false);
  const hasData = props.series.some((one) => one.samples.length > 0);
  const data = alignSeries(props.series);
  const shape = props.series.map((one) => one.label).join('|');

  useEffect(() => {
    let cancelled = false;
    let observer: ResizeObserver | null = null;
    const element = box.current;
    if (!element || !hasData) return;
    loadLibrary()
      .then((UPlot) => {
        if (cancelled) return;
        const text = cssColor('--text-muted', '#666');
        const grid = cssColor('--border', '#ddd');
        const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
        const options: uPlot.Options = {
          width: Math.max(240, element.clientWidth),
          height: 260,
          legend: { show: true },
          cursor: { drag: { x: false, y: false } },
          scales: {
            x: { time: true },
            y: props.range
              ? { range: props.range }
              : { range: (_u, _min, max) => [0, props.integer ? Math.max(5, Math.ceil(max * 1.2)) : Math.max(1, max * 1.1)] },
          },
          axes: [
            // Whole seconds and up: samples are seconds to minutes apart.
            { ...axis, incrs: TIME_STEPS },
            {
              ...axis,
              size: 64,
              ...(props.integer ? { incrs: COUNT_STEPS } : {}),
              values: (_u, ticks) => ticks.map((tick) => formatValue(tick, props)),
            },
          ],
          series: [
            {},
            ...props.series.map((one) => ({
              label: one.label,
              stroke: one.color,
              width: 2,
              fill: `${one.color}22`,
              points: { show: false },
              value: (_u: uPlot, value: number | null) => (value === null ? '—' : formatValue(value, props)),
            })),
          ],
        };
        plot.current = new UPlot(options, alignSeries(props.series), element);
        observer = new ResizeObserver(() => {
          plot.current?.setSize({ width: Math.max(240, element.clientWidth), height: 260 });
        });
        observer.observe(element);
      })
      .catch(() => setFailed(true));
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [hasData, shape]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  if (!hasData) return <p class="empty-note">No data collected yet. Samples appear here as the server takes them.</p>;
  if (failed) return <p class="empty-note">The chart could not be loaded.</p>;
  return <div class="chart" ref={box} role="img" aria-label={summary(props)} />;
}
