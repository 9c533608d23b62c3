// Benchmark arithmetic: the machines are noisy, so we report medians of alternating runs and ratios.
import { spawnSync } from 'node:child_process';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of one command in milliseconds; a failing command aborts the benchmark. */
export function timeCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr?.toString().slice(0, 2000)}`);
  return ms;
}

export interface Measured {
  name: string;
  samples: number[];
}

/** Runs each contender once per round, in turn, so drifting machine load hits all of them alike. */
export function alternate(rounds: number, contenders: { name: string; run: () => number }[]): Measured[] {
  const results = contenders.map((c) => ({ name: c.name, samples: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    contenders.forEach((c, i) => results[i]!.samples.push(c.run()));
  }
  return results;
}

export function report(title: string, measured: Measured[], baseline: string): string {
  const base = median(measured.find((m) => m.name === baseline)!.samples);
  const lines = [`\n${title}`, `${'contender'.padEnd(40)}${'median ms'.padStart(12)}${'ratio'.padStart(10)}   samples`];
  for (const m of measured) {
    const med = median(m.samples);
    lines.push(`${m.name.padEnd(40)}${med.toFixed(1).padStart(12)}${(med / base).toFixed(2).padStart(10)}   ${m.samples.map((s) => s.toFixed(0)).join(' ')}`);
  }
  return lines.join('\n');
}
