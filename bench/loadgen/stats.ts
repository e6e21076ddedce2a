/** Percentile (nearest rank) of unsorted values; sorts a copy. */
export function percentiles(values: Float64Array, ps: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => {
    if (sorted.length === 0) return NaN;
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank]!;
  });
}

/** Per-stage timings collected from response traces. */
export class StageStats {
  private readonly ms = new Map<string, number[]>();
  private readonly order: string[] = [];
  private totals: number[] = [];

  add(stages: readonly { name: string; ms: number }[], totalMs: number): void {
    this.totals.push(totalMs);
    for (const s of stages) {
      let list = this.ms.get(s.name);
      if (list === undefined) {
        list = [];
        this.ms.set(s.name, list);
        this.order.push(s.name);
      }
      list.push(s.ms);
    }
  }

  rows(): { name: string; n: number; mean: number; p50: number; p99: number }[] {
    const out = [];
    for (const name of [...this.order, 'pipeline total']) {
      const list = name === 'pipeline total' ? this.totals : this.ms.get(name)!;
      const v = Float64Array.from(list);
      const [p50, p99] = percentiles(v, [50, 99]);
      let sum = 0;
      for (const x of list) sum += x;
      out.push({ name, n: list.length, mean: list.length ? sum / list.length : NaN, p50: p50!, p99: p99! });
    }
    return out;
  }

  reset(): void {
    this.ms.clear();
    this.order.length = 0;
    this.totals = [];
  }
}
