import fs from 'node:fs';
import path from 'node:path';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  reference?: { name: string; value: number; unit: string };
  /** The target from the issue, e.g. "≤ 1.3× reference". */
  target?: string;
  ratio?: number;
}

export function figure(
  name: string,
  value: number,
  unit: string,
  reference?: { name: string; value: number; unit: string },
  target?: string,
): Figure {
  return {
    name,
    value: round(value),
    unit,
    ...(reference === undefined
      ? {}
      : {
          reference: { ...reference, value: round(reference.value) },
          ratio: round(value / reference.value),
        }),
    ...(target === undefined ? {} : { target }),
  };
}

export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Prints each figure beside its reference and writes bench/results/<name>.json. */
export function report(name: string, figures: Figure[], context: Record<string, unknown>): void {
  console.log(`\n${name}`);
  for (const f of figures) {
    const ref =
      f.reference === undefined
        ? ''
        : `   vs ${f.reference.name}: ${f.reference.value} ${f.reference.unit}  (ratio ${f.ratio ?? '-'})`;
    console.log(
      `  ${f.name.padEnd(34)} ${String(f.value).padStart(10)} ${f.unit}${ref}${f.target ? `   target ${f.target}` : ''}`,
    );
  }
  const file = path.join(import.meta.dirname, 'results', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `${JSON.stringify({ name, at: new Date().toISOString(), node: process.version, ...context, figures }, null, 2)}\n`,
  );
  console.log(`  written to ${path.relative(process.cwd(), file)}`);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Samples this process's peak RSS while `work` runs. */
export async function withPeakMemory<T>(
  work: () => Promise<T>,
): Promise<{ result: T; peakMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakMiB: peak / 1048576 };
  } finally {
    clearInterval(timer);
  }
}
