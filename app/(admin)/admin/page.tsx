import { z } from "zod";
import { DailyBarChart, StackedAreaChart } from "@/components/admin/charts";
import { DataTable } from "@/components/admin/data-table";
import { formatDateTime, formatMoney, formatMs, formatNumber, formatPercent } from "@/components/admin/format";
import { pivotByDay } from "@/components/admin/pivot";
import { Section, StatCard } from "@/components/admin/stat-card";
import { getRatingsByModel, getRouterInUse, getRoutingLatency, getTurnActivity } from "@/lib/db/queries/admin/overview";
import { requireAdminPage } from "../require-admin-page";

export const dynamic = "force-dynamic";

const daysParam = z.coerce.number().int().min(1).max(365).catch(30);

export default async function AdminOverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const days = daysParam.parse((await searchParams).days);
  const until = new Date();
  const window = { since: new Date(until.getTime() - days * 86_400_000), until };
  const [activity, ratings, latency, inUse] = await Promise.all([
    getTurnActivity(window),
    getRatingsByModel(window),
    getRoutingLatency(window),
    getRouterInUse(),
  ]);
  const models = activity.byModel.map((m) => m.modelId);

  return (
    <>
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">Overview</h1>
        <p className="text-sm text-zinc-500" data-testid="overview-window">
          Last {days} days
        </p>
      </div>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-5">
        <StatCard
          testId="stat-turns"
          label="Assistant turns"
          value={formatNumber(activity.total.turns)}
          hint={`${formatNumber(activity.total.failed)} failed`}
        />
        <StatCard testId="stat-spend" label="Spend" value={formatMoney(activity.total.spend)} />
        <StatCard
          testId="stat-router"
          label="Router in use"
          value={inUse.latest?.routerVersion ?? inUse.active?.id ?? "—"}
          hint={inUse.active ? `active version ${inUse.active.id}` : "no version marked active"}
        />
        <StatCard
          testId="stat-provider"
          label="Execution provider"
          value={inUse.latest?.executionProvider ?? "—"}
          hint={inUse.latest ? `as of ${formatDateTime(inUse.latest.createdAt)}` : undefined}
        />
        <StatCard
          testId="stat-latency"
          label="Routing p50 / p99"
          value={`${formatMs(latency.overall?.p50Ms)} / ${formatMs(latency.overall?.p99Ms)}`}
          hint={`${formatNumber(latency.overall?.decisions ?? 0)} decisions`}
        />
      </div>

      <Section title="Turns per day" testId="section-turns-per-day">
        <DailyBarChart
          testId="chart-turns-per-day"
          data={activity.byDay.map((d) => ({ day: d.day, answered: d.turns - d.failed, failed: d.failed }))}
          series={["answered", "failed"]}
          colors={{ answered: "#2563eb", failed: "#dc2626" }}
          stacked
        />
      </Section>

      <Section title="Routed-model mix" testId="section-model-mix">
        <StackedAreaChart testId="chart-model-mix" data={pivotByDay(activity.byDayModel, "turns")} series={models} barsBelow={3} />
      </Section>

      <Section title="Spend per day" testId="section-spend-per-day">
        <DailyBarChart testId="chart-spend-per-day" data={pivotByDay(activity.byDayModel, "spend")} series={models} stacked />
      </Section>

      <Section title="Per model" testId="section-per-model">
        <DataTable
          testId="overview-models"
          headers={["Model", "Turns", "Input tokens", "Output tokens", "Spend", "Ratings", "Avg stars", "Thumbs-up rate", "Satisfaction"]}
          rows={models.map((id) => {
            const a = activity.byModel.find((m) => m.modelId === id)!;
            const r = ratings.find((x) => x.modelId === id);
            return {
              key: id,
              cells: [
                id,
                formatNumber(a.turns),
                formatNumber(a.promptTokens),
                formatNumber(a.completionTokens),
                formatMoney(a.spend),
                formatNumber(r?.ratings ?? 0),
                formatNumber(r?.avgStars, 2),
                formatPercent(r?.thumbsUpRate),
                formatPercent(r?.satisfaction),
              ],
            };
          })}
        />
      </Section>

      <Section title="Routing latency by router version" testId="section-latency">
        <DataTable
          testId="overview-latency"
          headers={["Router version", "Execution provider", "Decisions", "p50", "p99"]}
          rows={latency.byVersion.map((v) => ({
            key: `${v.routerVersion}/${v.executionProvider}`,
            cells: [v.routerVersion, v.executionProvider, formatNumber(v.decisions), formatMs(v.p50Ms), formatMs(v.p99Ms)],
          }))}
        />
      </Section>
    </>
  );
}
