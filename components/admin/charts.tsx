"use client";

import type { ReactNode } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Series colours; red and green are left out, so that only a series given them on purpose (failed, ok) carries that meaning. */
const PALETTE = ["#2563eb", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563", "#a16207", "#1e3a8a"];
const color = (i: number) => PALETTE[i % PALETTE.length];

export type SeriesPoint = { day: string } & Record<string, number | string>;

/** What every daily chart shares: its box, the day axis, grid, tooltip and legend; `children` are the series. */
function DailyChartFrame({
  chart: Chart,
  data,
  testId,
  children,
}: {
  chart: typeof AreaChart | typeof BarChart;
  data: SeriesPoint[];
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className="h-64 w-full text-zinc-600" data-testid={testId} data-chart={Chart === BarChart ? "bar" : "area"}>
      <ResponsiveContainer width="100%" height="100%">
        <Chart data={data}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-zinc-200)" />
          <XAxis dataKey="day" fontSize={11} stroke="currentColor" />
          <YAxis fontSize={11} stroke="currentColor" allowDecimals={false} />
          <Tooltip contentStyle={{ background: "var(--color-white)", borderColor: "var(--color-zinc-200)" }} />
          <Legend />
          {children}
        </Chart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * Daily values stacked per series (e.g. turns per routed model). With fewer
 * than `barsBelow` days an area has nothing to span (one day is a dot), so
 * the same data is drawn as stacked bars.
 */
export function StackedAreaChart({ data, series, testId, barsBelow = 0 }: { data: SeriesPoint[]; series: string[]; testId: string; barsBelow?: number }) {
  if (data.length < barsBelow) return <DailyBarChart data={data} series={series} testId={testId} stacked />;
  return (
    <DailyChartFrame chart={AreaChart} data={data} testId={testId}>
      {series.map((s, i) => (
        <Area key={s} isAnimationActive={false} type="monotone" dataKey={s} stackId="1" stroke={color(i)} fill={color(i)} fillOpacity={0.4} />
      ))}
    </DailyChartFrame>
  );
}

/** One or more daily series as bars; `stacked` stacks them; `colors` fixes a series' colour (failed is red). */
export function DailyBarChart({
  data,
  series,
  testId,
  stacked = false,
  colors = {},
}: {
  data: SeriesPoint[];
  series: string[];
  testId: string;
  stacked?: boolean;
  colors?: Record<string, string>;
}) {
  return (
    <DailyChartFrame chart={BarChart} data={data} testId={testId}>
      {series.map((s, i) => (
        <Bar key={s} isAnimationActive={false} dataKey={s} stackId={stacked ? "1" : undefined} fill={colors[s] ?? color(i)} maxBarSize={48} />
      ))}
    </DailyChartFrame>
  );
}
