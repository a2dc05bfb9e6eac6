import { CandidateScores } from "@/components/admin/candidate-scores";
import { DataTable } from "@/components/admin/data-table";
import { DecisionFilters } from "@/components/admin/decision-filters";
import { formatDateTime, formatMs, formatNumber } from "@/components/admin/format";
import { Pagination } from "@/components/admin/pagination";
import { listDecisions } from "@/lib/db/queries/admin/decisions";
import { listCatalog } from "@/lib/db/queries/admin/models";
import { parseDecisionCandidates } from "@/lib/router/decision";
import { DECISIONS_PAGE_SIZE, decisionsQuery, toDecisionFilter } from "../../api/admin/decisions/schema";
import { requireAdminPage } from "../../require-admin-page";

export const dynamic = "force-dynamic";

function timingsText(timings: unknown): string {
  if (!timings || typeof timings !== "object") return "—";
  return Object.entries(timings as Record<string, unknown>)
    .filter((e): e is [string, number] => typeof e[1] === "number")
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(", ");
}

export default async function AdminDecisionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const query = decisionsQuery.parse(await searchParams);
  const [{ rows, hasNext }, models] = await Promise.all([
    listDecisions({ filter: toDecisionFilter(query), page: query.page, pageSize: DECISIONS_PAGE_SIZE }),
    listCatalog(),
  ]);
  const { page: _page, ...filters } = query;
  const exportQuery = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1])));

  return (
    <>
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">Decision log</h1>
        <a href={`/api/admin/decisions/export?${exportQuery}`} data-testid="decisions-export" className="text-sm underline">
          Export CSV
        </a>
      </div>
      <DecisionFilters values={filters} models={models.map((m) => m.id)} />
      <DataTable
        testId="decisions-table"
        empty="No decisions match."
        headers={["When", "User", "Model", "Router", "Candidate scores", "Confidence", "Ratings used", "Flags", "Total", "Timings (ms)"]}
        rows={rows.map((d) => ({
          key: d.id,
          cells: [
            formatDateTime(d.createdAt),
            d.userEmail,
            d.chosenModelId,
            `${d.routerVersion} · ${d.executionProvider}`,
            <CandidateScores key="c" candidates={parseDecisionCandidates(d.candidates)} chosen={d.chosenModelId} />,
            formatNumber(d.confidence, 2),
            formatNumber(d.ratingsUsed),
            [d.coldStart && "cold start", d.override && "override", d.fallback && "fallback"].filter(Boolean).join(", ") || "—",
            formatMs(d.totalMs),
            <span key="t" className="text-xs">
              {timingsText(d.timings)}
            </span>,
          ],
        }))}
      />
      <Pagination basePath="/admin/decisions" params={filters} page={query.page} pageSize={DECISIONS_PAGE_SIZE} hasNext={hasNext} />
    </>
  );
}
