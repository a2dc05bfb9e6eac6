"use client";

import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const PALETTE = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d"];

export type SeriesPoint = { day: string } & Record<string, number | string>;

/** Daily values stacked per series (e.g. turns per routed model). */
export function StackedAreaChart({ data, series, testId }: { data: SeriesPoint[]; series: string[]; testId: string }) {
  return (
    <div className="h-64 w-full" data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" fontSize={11} />
          <YAxis fontSize={11} />
          <Tooltip />
          <Legend />
          {series.map((s, i) => (
            <Area key={s} isAnimationActive={false} type="monotone" dataKey={s} stackId="1" stroke={PALETTE[i % PALETTE.length]} fill={PALETTE[i % PALETTE.length]} fillOpacity={0.4} />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

/** One or more daily series as bars; `stacked` stacks them. */
export function DailyBarChart({ data, series, testId, stacked = false }: { data: SeriesPoint[]; series: string[]; testId: string; stacked?: boolean }) {
  return (
    <div className="h-64 w-full" data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" fontSize={11} />
          <YAxis fontSize={11} />
          <Tooltip />
          <Legend />
          {series.map((s, i) => (
            <Bar key={s} isAnimationActive={false} dataKey={s} stackId={stacked ? "1" : undefined} fill={PALETTE[i % PALETTE.length]} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
