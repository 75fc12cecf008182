// Adding up the stats of several inspectors (worker threads, their crashed incarnations, the share
// inspected on the main thread): counters element-wise, stats sections leaf by leaf.

/** Element-wise sum (as long as the longest). */
export function sumArrays(list: Float64Array[]): Float64Array {
  const out = new Float64Array(list.reduce((n, a) => Math.max(n, a.length), 0));
  for (const a of list) for (let i = 0; i < a.length; i++) out[i] += a[i];
  return out;
}

/** Sum numeric leaves of like-shaped stats sections; for peaks (`*_peak`) keep the largest. */
export function sumSections(list: Record<string, unknown>[]): Record<string, Record<string, unknown>> {
  const add = (a: Record<string, unknown>, b: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(b)) {
      if (typeof v === 'number') a[k] = k.endsWith('_peak') ? Math.max((a[k] as number) ?? 0, v) : ((a[k] as number) ?? 0) + v;
      else if (v !== null && typeof v === 'object') add((a[k] ??= {}) as Record<string, unknown>, v as Record<string, unknown>);
      else a[k] = v;
    }
  };
  const out: Record<string, unknown> = {};
  for (const s of list) add(out, s);
  return out as Record<string, Record<string, unknown>>;
}
