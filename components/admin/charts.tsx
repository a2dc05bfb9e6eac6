"use client";

import type { ReactNode } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const PALETTE = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d"];
const color = (i: number) => PALETTE[i % PALETTE.length];

export type SeriesPoint = { day: string } & Record<string, number | string>;

/** What every daily chart shares: its box, the day axis, grid, tooltip and legend; `children` are the series. */
function DailyChartFrame({ chart: Chart, data, testId, children }: { chart: typeof AreaChart | typeof BarChart; data: SeriesPoint[]; testId: string; children: ReactNode }) {
  return (
    <div className="h-64 w-full" data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <Chart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" fontSize={11} />
          <YAxis fontSize={11} />
          <Tooltip />
          <Legend />
          {children}
        </Chart>
      </ResponsiveContainer>
    </div>
  );
}

/** Daily values stacked per series (e.g. turns per routed model). */
export function StackedAreaChart({ data, series, testId }: { data: SeriesPoint[]; series: string[]; testId: string }) {
  return (
    <DailyChartFrame chart={AreaChart} data={data} testId={testId}>
      {series.map((s, i) => (
        <Area key={s} isAnimationActive={false} type="monotone" dataKey={s} stackId="1" stroke={color(i)} fill={color(i)} fillOpacity={0.4} />
      ))}
    </DailyChartFrame>
  );
}

/** One or more daily series as bars; `stacked` stacks them. */
export function DailyBarChart({ data, series, testId, stacked = false }: { data: SeriesPoint[]; series: string[]; testId: string; stacked?: boolean }) {
  return (
    <DailyChartFrame chart={BarChart} data={data} testId={testId}>
      {series.map((s, i) => (
        <Bar key={s} isAnimationActive={false} dataKey={s} stackId={stacked ? "1" : undefined} fill={color(i)} />
      ))}
    </DailyChartFrame>
  );
}
