import { z } from "zod";
import { DataTable } from "@/components/admin/data-table";
import { formatMs, formatNumber, formatPercent } from "@/components/admin/format";
import { ModelCatalog } from "@/components/admin/model-catalog";
import { Section } from "@/components/admin/stat-card";
import { getModelHealth, getWinRates, listCatalog } from "@/lib/db/queries/admin/models";
import { requireAdminPage } from "../../require-admin-page";

export const dynamic = "force-dynamic";

const daysParam = z.coerce.number().int().min(1).max(365).catch(7);

export default async function AdminModelsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const days = daysParam.parse((await searchParams).days);
  const until = new Date();
  const [catalog, health, winRates] = await Promise.all([
    listCatalog(),
    getModelHealth({ since: new Date(until.getTime() - days * 86_400_000), until }),
    getWinRates(),
  ]);

  return (
    <>
      <h1 className="text-2xl font-semibold">Models</h1>
      <Section title="Catalog" testId="section-catalog">
        <ModelCatalog models={catalog.map(({ updatedAt: _updatedAt, ...m }) => m)} />
      </Section>
      <Section title={`Health (last ${days} days)`} testId="section-health">
        <DataTable
          testId="models-health"
          headers={["Model", "Turns", "Failed", "Error rate", "Latency p50", "Time to first token p50"]}
          rows={health.map((h) => ({
            key: h.modelId,
            cells: [h.modelId, formatNumber(h.turns), formatNumber(h.failed), formatPercent(h.errorRate), formatMs(h.latencyP50Ms), formatMs(h.ttftP50Ms)],
          }))}
        />
      </Section>
      <Section title="Win rate in comparisons" testId="section-win-rates">
        <DataTable
          testId="models-win-rates"
          empty="No voted comparisons between different models yet."
          headers={["Model", "Comparisons", "Wins", "Ties", "Losses", "Win rate (ties count ½)"]}
          rows={winRates.map((w) => ({
            key: w.modelId,
            cells: [w.modelId, formatNumber(w.comparisons), formatNumber(w.wins), formatNumber(w.ties), formatNumber(w.losses), formatPercent(w.winRate)],
          }))}
        />
      </Section>
    </>
  );
}
