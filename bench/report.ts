// Figures, their floors and ratios, the table, bench/results.json, and the verdict. Targets are on
// ratios to a floor measured in the same run, or on absolutes that do not depend on the machine's
// load (memory, request counts); times alone are reported, never judged.
import { writeFileSync } from 'node:fs';
import { log, median } from './support.js';

export interface Target {
  op: '<' | '<=';
  value: number;
}

interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export interface Figure extends Spread {
  name: string;
  unit: string;
  /** The floor measured beside it, interleaved. */
  floor?: Spread & { name: string };
  /** The judged ratio: the best (least disturbed) of each side, min-of-k over k ≥ 2 rounds. */
  ratio?: number;
  /** The median of the pairs' ratios, reported beside it as a check. */
  pairedRatio?: number;
  target?: Target;
  note?: string;
}

const spread = (values: readonly number[]): Spread => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
  runs: values.length,
});

export const figures: Figure[] = [];
const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1));

/** A figure with no floor: judged on its own value only when that does not depend on load. */
export function record(
  name: string,
  unit: string,
  values: readonly number[],
  target?: Target,
  note?: string,
): Figure {
  const figure: Figure = {
    name,
    unit,
    ...spread(values),
    ...(target ? { target } : {}),
    ...(note ? { note } : {}),
  };
  figures.push(figure);
  log(
    `  ${name}: ${fmt(figure.median)} ${unit} (${fmt(figure.min)}–${fmt(figure.max)}, ${values.length} runs)${note ? `; ${note}` : ''}`,
  );
  return figure;
}

/**
 * A figure beside its floor, measured in interleaved pairs. The judged ratio is min-of-k: the
 * fastest round of each side over each other. Load only ever adds time, so each side's fastest
 * round is the one least disturbed by other work, which is what a ratio between two programs should
 * compare; a median of per-pair ratios moves with the load instead (a pair on a busy second pays
 * for the processes both halves start, which dilutes the ratio toward 1). The median of the pairs'
 * ratios is reported beside it as a check.
 */
export function recordRatio(
  name: string,
  unit: string,
  values: readonly number[],
  floorName: string,
  floor: readonly number[],
  target?: Target,
  note?: string,
): Figure {
  const pairs = values.map((v, i) => v / (floor[i] ?? Number.NaN)).filter(Number.isFinite);
  const figure: Figure = {
    name,
    unit,
    ...spread(values),
    floor: { name: floorName, ...spread(floor) },
    ratio: Math.min(...values) / Math.min(...floor),
    pairedRatio: median(pairs),
    ...(target ? { target } : {}),
    ...(note ? { note } : {}),
  };
  figures.push(figure);
  log(
    `  ${name}: best ${fmt(figure.min)} ${unit} vs ${floorName} ${fmt(figure.floor?.min ?? 0)} ${unit} → ${(figure.ratio ?? 0).toFixed(2)}× (medians ${fmt(figure.median)} / ${fmt(figure.floor?.median ?? 0)}, median of the ${pairs.length} pairs' ratios ${median(pairs).toFixed(2)}×)${note ? `; ${note}` : ''}`,
  );
  return figure;
}

const judged = (f: Figure) => f.ratio ?? f.median;
export const met = (f: Figure) =>
  !f.target || (f.target.op === '<' ? judged(f) < f.target.value : judged(f) <= f.target.value);

export function printTable(): void {
  log(
    '\n| figure | ratio to floor (min-of-k) | median of pair ratios | median (floor) | spread | target | |',
  );
  log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const f of figures) {
    const ratio = f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`;
    const paired = f.pairedRatio === undefined ? '' : `${f.pairedRatio.toFixed(2)}×`;
    const value = `${fmt(f.median)} ${f.unit}${f.floor ? ` (${fmt(f.floor.median)})` : ''}`;
    const target = f.target
      ? `${f.target.op} ${f.target.value}${f.ratio === undefined ? ` ${f.unit}` : '×'}`
      : '';
    const verdict = f.target ? (met(f) ? 'ok' : 'MISSED') : '';
    log(
      `| ${f.name} | ${ratio} | ${paired} | ${value} | ${fmt(f.min)}–${fmt(f.max)} | ${target} | ${verdict}${f.note ? ` ${f.note}` : ''} |`,
    );
  }
}

export function writeResults(machine: Record<string, unknown>): void {
  writeFileSync(
    'bench/results.json',
    `${JSON.stringify({ date: new Date().toISOString(), ...machine, figures }, null, 2)}\n`,
  );
}
