/**
 * Times each admin aggregate directly against a database (no HTTP), to see
 * which query a slow page waits on.
 *
 * Usage: DATABASE_URL=postgresql://…/sb_bench npx tsx --conditions=react-server bench/admin/time-queries.ts
 */
import { prisma } from "../../lib/db/client";
import { listDecisions } from "../../lib/db/queries/admin/decisions";
import { getModelHealth, getWinRates, listCatalog } from "../../lib/db/queries/admin/models";
import { getRatingsByModel, getRouterInUse, getRoutingLatency, getTurnActivity } from "../../lib/db/queries/admin/overview";
import { getCostSaved, getRouterVsFixed, listRouterVersions, listTrainingRuns } from "../../lib/db/queries/admin/router";
import { getRatingChangedDecisions, getRoutingTimeline, getUserModelMix, getUserRatingsByModel, getUserSummary } from "../../lib/db/queries/admin/user-detail";
import { listAdminUsers } from "../../lib/db/queries/admin/users";

async function main() {
  const until = new Date();
  const days = (n: number) => ({ since: new Date(until.getTime() - n * 86_400_000), until });
  const [{ id: userId }] = await prisma.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE email = 'user2@synthetic.test'`;
  const cases: [string, () => Promise<unknown>][] = [
    ["overview.getTurnActivity(30d)", () => getTurnActivity(days(30))],
    ["overview.getRatingsByModel(30d)", () => getRatingsByModel(days(30))],
    ["overview.getRoutingLatency(30d)", () => getRoutingLatency(days(30))],
    ["overview.getRouterInUse", () => getRouterInUse()],
    ["users.list(turns)", () => listAdminUsers({ sort: "turns", direction: "desc", page: 1, pageSize: 25 })],
    ["users.list(ratings)", () => listAdminUsers({ sort: "ratings", direction: "desc", page: 1, pageSize: 25 })],
    ["users.list(satisfaction)", () => listAdminUsers({ sort: "satisfaction", direction: "desc", page: 1, pageSize: 25 })],
    ["users.list(spend)", () => listAdminUsers({ sort: "spend", direction: "desc", page: 1, pageSize: 25 })],
    ["users.list(email, search)", () => listAdminUsers({ search: "user12", sort: "email", direction: "asc", page: 1, pageSize: 25 })],
    ["user.summary", () => getUserSummary({ userId })],
    ["user.timeline", () => getRoutingTimeline({ userId, limit: 50 })],
    ["user.ratingsByModel", () => getUserRatingsByModel({ userId })],
    ["user.mix", () => getUserModelMix({ userId })],
    ["user.ratingChanged", () => getRatingChangedDecisions({ userId, limit: 50 })],
    ["models.catalog", () => listCatalog()],
    ["models.health(7d)", () => getModelHealth(days(7))],
    ["models.winRates", () => getWinRates()],
    ["router.versions", () => listRouterVersions()],
    ["router.trainingRuns", () => listTrainingRuns({ limit: 20 })],
    ["router.vsFixed(30d)", () => getRouterVsFixed(days(30))],
    ["router.costSaved(30d)", () => getCostSaved(days(30))],
    ["decisions.page1", () => listDecisions({ filter: {}, page: 1, pageSize: 50 })],
    ["decisions.filtered", () => listDecisions({ filter: { modelId: "syn-large", override: false }, page: 1, pageSize: 50 })],
    ["decisions.user", () => listDecisions({ filter: { user: "user12@" }, page: 1, pageSize: 50 })],
  ];
  for (const [name, run] of cases) {
    await run();
    const started = performance.now();
    await run();
    console.log(`${name.padEnd(34)} ${(performance.now() - started).toFixed(0).padStart(6)} ms`);
  }
  await prisma.$disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
