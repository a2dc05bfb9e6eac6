import type { SeriesPoint } from "./charts";

/**
 * Reshapes SQL's (day, model) aggregate rows into one chart point per day with
 * a field per model. Only reshapes: every value is already aggregated.
 */
export function pivotByDay<R extends { day: string; modelId: string }>(rows: R[], field: keyof R & string): SeriesPoint[] {
  const byDay = new Map<string, SeriesPoint>();
  for (const r of rows) {
    const point: SeriesPoint = byDay.get(r.day) ?? { day: r.day };
    point[r.modelId] = r[field] as number;
    byDay.set(r.day, point);
  }
  return [...byDay.values()];
}
