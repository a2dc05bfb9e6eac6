import { z } from "zod";
import { DataTable } from "@/components/admin/data-table";
import { formatDateTime, formatMoney, formatNumber, formatPercent, signedPoints } from "@/components/admin/format";
import { ActivateVersionButton, RouterActions } from "@/components/admin/router-actions";
import { Section, StatCard } from "@/components/admin/stat-card";
import { getRouterState } from "@/lib/ai/router";
import { getCostSaved, getRouterVsFixed, listRouterVersions, listTrainingRuns } from "@/lib/db/queries/admin/router";
import { requireAdminPage } from "../../require-admin-page";

export const dynamic = "force-dynamic";

const daysParam = z.coerce.number().int().min(1).max(365).catch(30);

function JsonBlock({ value }: { value: unknown }) {
  return <pre className="max-w-md overflow-x-auto whitespace-pre-wrap text-xs">{JSON.stringify(value, null, 1)}</pre>;
}

export default async function AdminRouterPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const days = daysParam.parse((await searchParams).days);
  const until = new Date();
  const window = { since: new Date(until.getTime() - days * 86_400_000), until };
  const [versions, runs, vsFixed, cost] = await Promise.all([listRouterVersions(), listTrainingRuns({ limit: 20 }), getRouterVsFixed(window), getCostSaved(window)]);
  const active = versions.find((v) => v.active);
  const live = getRouterState();

  return (
    <>
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">Router</h1>
        <RouterActions />
      </div>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-5">
        <StatCard
          testId="router-stat-live"
          label="This instance serves"
          value={live.status === "ready" ? `${live.routerVersion} on ${live.executionProvider}` : "fallback: default model"}
          hint={live.status === "ready" ? (live.lastError ? `last reload failed: ${live.lastError}` : (live.modelDir ?? undefined)) : `router degraded: ${live.error}`}
        />
        <StatCard testId="router-stat-active" label="Active version" value={active?.id ?? "none"} hint={active?.activatedAt ? `since ${formatDateTime(active.activatedAt)}` : undefined} />
        <StatCard testId="router-stat-satisfaction" label="Router satisfaction" value={formatPercent(vsFixed.router.satisfaction)} hint={`${formatNumber(vsFixed.router.ratings)} rated router picks, last ${days} days`} />
        <StatCard testId="router-stat-spend" label="Spend" value={formatMoney(cost.actualSpend)} hint={`${formatNumber(cost.turns)} turns, last ${days} days`} />
        <StatCard testId="router-stat-saved" label={`Saved vs always ${cost.priciestModelId ?? "—"}`} value={formatMoney(cost.saved)} hint={`that model would have cost ${formatMoney(cost.priciestSpend)}`} />
      </div>

      <Section title="Router vs fixed model" testId="section-router-vs-fixed">
        <DataTable
          testId="router-vs-fixed"
          headers={["Fixed model", "Rated turns", "Satisfaction", "Router minus model", "Compare votes", "Router wins / ties / losses"]}
          rows={vsFixed.models.map((m) => ({
            key: m.modelId,
            cells: [
              m.modelId,
              formatNumber(m.ratings),
              formatPercent(m.satisfaction),
              vsFixed.router.satisfaction === null ? "—" : signedPoints(vsFixed.router.satisfaction - m.satisfaction),
              formatNumber(m.votes),
              `${m.routerWins} / ${m.routerTies} / ${m.routerLosses}`,
            ],
          }))}
        />
      </Section>

      <Section title="Versions" testId="section-router-versions">
        <DataTable
          testId="router-versions"
          empty="No router version registered yet."
          headers={["Version", "State", "Created", "Activated", "Decisions", "Evaluation metrics", "Path"]}
          rows={versions.map((v) => ({ key: v.id, cells: [v.id, v.active ? "active" : <ActivateVersionButton key="a" versionId={v.id} />, formatDateTime(v.createdAt), formatDateTime(v.activatedAt), formatNumber(v.decisions), <JsonBlock key="m" value={v.metrics} />, <code key="p" className="text-xs">{v.path}</code>] }))}
        />
      </Section>

      <Section title="Training runs" testId="section-training-runs">
        <DataTable
          testId="training-runs"
          empty="No training runs yet."
          headers={["Started", "Status", "Stage", "Progress", "Version", "Error / log tail"]}
          rows={runs.map((r) => ({
            key: r.id,
            cells: [formatDateTime(r.createdAt), r.status, r.stage, formatPercent(r.progress, 0), r.routerVersionId ?? "—", <pre key="l" className="max-h-32 max-w-lg overflow-auto whitespace-pre-wrap text-xs">{r.error ?? r.logTail}</pre>],
          }))}
        />
      </Section>
    </>
  );
}
