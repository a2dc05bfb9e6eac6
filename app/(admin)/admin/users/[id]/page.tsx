import { notFound } from "next/navigation";
import { z } from "zod";
import { CandidateScores } from "@/components/admin/candidate-scores";
import { DataTable } from "@/components/admin/data-table";
import { formatDateTime, formatMoney, formatMs, formatNumber, formatPercent, signedPoints } from "@/components/admin/format";
import { Section, StatCard } from "@/components/admin/stat-card";
import {
  getAdminUser,
  getRatingChangedDecisions,
  getRoutingTimeline,
  getUserModelMix,
  getUserRatingsByModel,
  getUserSummary,
} from "@/lib/db/queries/admin/user-detail";
import { parseDecisionCandidates } from "@/lib/router/decision";
import { requireAdminPage } from "../../../require-admin-page";

export const dynamic = "force-dynamic";

const TIMELINE_ROWS = 50;

export default async function AdminUserPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdminPage();
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const user = await getAdminUser({ id });
  if (!user) notFound();
  const [summary, timeline, ratings, mix, changed] = await Promise.all([
    getUserSummary({ userId: id }),
    getRoutingTimeline({ userId: id, limit: TIMELINE_ROWS }),
    getUserRatingsByModel({ userId: id }),
    getUserModelMix({ userId: id }),
    getRatingChangedDecisions({ userId: id, limit: TIMELINE_ROWS }),
  ]);

  return (
    <>
      <h1 className="text-2xl font-semibold" data-testid="user-email">
        {user.email}
      </h1>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-5">
        <StatCard testId="user-stat-turns" label="Turns" value={formatNumber(summary.turns)} hint={`${formatNumber(summary.failed)} failed`} />
        <StatCard testId="user-stat-ratings" label="Ratings given" value={formatNumber(summary.ratings)} />
        <StatCard testId="user-stat-satisfaction" label="Satisfaction" value={formatPercent(summary.satisfaction)} />
        <StatCard testId="user-stat-spend" label="Spend" value={formatMoney(summary.spend)} />
        <StatCard
          testId="user-stat-overrides"
          label="Overrides"
          value={formatNumber(summary.overrides)}
          hint={`of ${formatNumber(summary.decisions)} decisions · fallbacks: ${formatNumber(summary.fallbacks)}`}
        />
      </div>

      <Section title="Routing compared with the population" testId="section-user-mix">
        <DataTable
          testId="user-mix"
          headers={["Model", "This user's decisions", "This user's share", "Population share", "Difference", "Overrides to it"]}
          rows={mix.map((m) => ({
            key: m.modelId,
            cells: [
              m.modelId,
              formatNumber(m.userDecisions),
              formatPercent(m.userShare),
              formatPercent(m.populationShare),
              signedPoints(m.userShare - m.populationShare),
              formatNumber(m.overrides),
            ],
          }))}
        />
      </Section>

      <Section title="Ratings per model" testId="section-user-ratings">
        <DataTable
          testId="user-ratings"
          headers={["Model", "Ratings", "Avg stars", "Thumbs-up rate", "Satisfaction"]}
          rows={ratings.map((r) => ({
            key: r.modelId,
            cells: [r.modelId, formatNumber(r.ratings), formatNumber(r.avgStars, 2), formatPercent(r.thumbsUpRate), formatPercent(r.satisfaction)],
          }))}
        />
      </Section>

      <Section title={`Decisions their ratings changed (${formatNumber(changed.total)})`} testId="section-user-changed">
        <p className="text-xs text-zinc-500">
          Decisions that used this user&apos;s ratings, were neither overridden nor a fallback, and chose a model other than the one the same router version
          picks most often for users it knows nothing about (decisions with no ratings used).
        </p>
        <DataTable
          testId="user-changed"
          headers={["When", "Router", "Chosen", "Baseline", "Ratings used", "Confidence"]}
          rows={changed.rows.map((d) => ({
            key: d.id,
            cells: [
              formatDateTime(d.createdAt),
              d.routerVersion,
              d.chosenModelId,
              d.baselineModelId,
              formatNumber(d.ratingsUsed),
              formatNumber(d.confidence, 2),
            ],
          }))}
        />
      </Section>

      <Section title={`Routing timeline (newest ${TIMELINE_ROWS})`} testId="section-user-timeline">
        <DataTable
          testId="user-timeline"
          headers={["When", "Model", "Candidate scores", "Confidence", "Ratings used", "Flags", "Routing time", "Rating"]}
          rows={timeline.map((d) => ({
            key: d.id,
            cells: [
              formatDateTime(d.createdAt),
              d.chosenModelId,
              <CandidateScores key="c" candidates={parseDecisionCandidates(d.candidates)} chosen={d.chosenModelId} />,
              formatNumber(d.confidence, 2),
              formatNumber(d.ratingsUsed),
              [d.coldStart && "cold start", d.override && "override", d.fallback && "fallback"].filter(Boolean).join(", ") || "—",
              formatMs(d.totalMs),
              formatPercent(d.ratingValue, 0),
            ],
          }))}
        />
      </Section>
    </>
  );
}
