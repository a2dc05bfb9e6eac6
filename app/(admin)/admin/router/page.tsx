import { z } from "zod";
import { DataTable } from "@/components/admin/data-table";
import { formatDateTime, formatMoney, formatNumber, formatPercent, signedPoints } from "@/components/admin/format";
import { ActivateVersionButton, RouterActions } from "@/components/admin/router-actions";
import { Section, StatCard } from "@/components/admin/stat-card";
import { heldOutPairs, VersionMetrics } from "@/components/admin/version-metrics";
import { getCostSaved, getRouterVsFixed, listRouterVersions, listTrainingRuns } from "@/lib/db/queries/admin/router";
import { getRouterState } from "@/lib/router/runtime";
import { requireAdminPage } from "../../require-admin-page";

export const dynamic = "force-dynamic";

const daysParam = z.coerce.number().int().min(1).max(365).catch(30);

/** Active, activatable, or held back because nothing was held out to judge it by. */
function VersionState({ version }: { version: { id: string; active: boolean; metrics: unknown } }) {
  if (version.active) return "active";
  if (heldOutPairs(version.metrics) === 0) {
    return (
      <span className="text-xs text-zinc-600" data-testid="router-not-activatable">
        Not activatable: evaluated on 0 held-out pairs
      </span>
    );
  }
  return <ActivateVersionButton versionId={version.id} />;
}

export default async function AdminRouterPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const days = daysParam.parse((await searchParams).days);
  const until = new Date();
  const window = { since: new Date(until.getTime() - days * 86_400_000), until };
  const [versions, runs, vsFixed, cost] = await Promise.all([
    listRouterVersions(),
    listTrainingRuns({ limit: 20 }),
    getRouterVsFixed(window),
    getCostSaved(window),
  ]);
  const active = versions.find((v) => v.active);
  const live = getRouterState();

  return (
    <>
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h1 className="text-2xl font-semibold">Router</h1>
        <RouterActions runningId={runs.find((r) => r.status === "queued" || r.status === "running")?.id ?? null} shippedInUse={!active} />
      </div>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-5">
        <StatCard
          testId="router-stat-live"
          label="This instance serves"
          value={live.status === "ready" ? `${live.routerVersion} on ${live.executionProvider}` : "fallback: default model"}
          hint={
            live.status === "ready"
              ? live.lastError
                ? `last reload failed: ${live.lastError}`
                : (live.modelDir ?? undefined)
              : `router degraded: ${live.error}`
          }
        />
        <StatCard
          testId="router-stat-active"
          label="Active version"
          value={active?.id ?? "none"}
          hint={active?.activatedAt ? `since ${formatDateTime(active.activatedAt)}` : undefined}
        />
        <StatCard
          testId="router-stat-satisfaction"
          label="Router satisfaction"
          value={formatPercent(vsFixed.router.satisfaction)}
          hint={`${formatNumber(vsFixed.router.ratings)} rated router picks, last ${days} days`}
        />
        <StatCard
          testId="router-stat-spend"
          label="Spend"
          value={formatMoney(cost.actualSpend)}
          hint={`${formatNumber(cost.turns)} turns, last ${days} days`}
        />
        <StatCard
          testId="router-stat-saved"
          label={`Saved vs always ${cost.priciestModelId ?? "—"}`}
          value={formatMoney(cost.saved)}
          hint={`that model would have cost ${formatMoney(cost.priciestSpend)}`}
        />
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
              vsFixed.router.satisfaction === null || m.satisfaction === null ? "—" : signedPoints(vsFixed.router.satisfaction - m.satisfaction),
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
          rows={versions.map((v) => ({
            key: v.id,
            cells: [
              v.id,
              <VersionState key="s" version={v} />,
              formatDateTime(v.createdAt),
              formatDateTime(v.activatedAt),
              formatNumber(v.decisions),
              <VersionMetrics key="m" metrics={v.metrics} />,
              <code key="p" className="text-xs break-all">
                {v.path}
              </code>,
            ],
          }))}
        />
      </Section>

      <Section title="Training runs" testId="section-training-runs">
        <DataTable
          testId="training-runs"
          empty="No training runs yet."
          headers={["Started", "Status", "Stage", "Progress", "Version", "Error / log tail"]}
          rows={runs.map((r) => ({
            key: r.id,
            cells: [
              formatDateTime(r.createdAt),
              r.status,
              r.stage,
              formatPercent(r.progress, 0),
              r.routerVersionId ?? "—",
              <pre key="l" className="max-h-32 max-w-lg overflow-auto whitespace-pre-wrap text-xs">
                {r.error ?? r.logTail}
              </pre>,
            ],
          }))}
        />
      </Section>
    </>
  );
}
