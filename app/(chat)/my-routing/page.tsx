import { Star, ThumbsDown, ThumbsUp } from "lucide-react";
import { redirect } from "next/navigation";
import { StackedAreaChart } from "@/components/admin/charts";
import { pivotByDay } from "@/components/admin/pivot";
import { PrivacyControls } from "@/components/privacy-controls";
import { auth } from "@/lib/auth";
import { getUserModelMix } from "@/lib/db/queries/admin/user-detail";
import { listEnabledModels } from "@/lib/db/queries/models";
import { getMyDailyChoices, getStrongestRatings } from "@/lib/db/queries/my-routing";

export const dynamic = "force-dynamic";

const DAYS = 30;
const percent = (share: number) => `${Math.round(share * 100)}%`;

/** How the user's share of a model compares with everyone's, in words. */
function comparedWithEveryone(mine: number, everyone: number): string {
  const diff = mine - everyone;
  if (Math.abs(diff) < 0.05) return "about as often as for everyone";
  return diff > 0 ? "more often than for everyone" : "less often than for everyone";
}

/** "My routing": what the router learned about this user, in plain words. */
export default async function MyRoutingPage() {
  const session = await auth();
  if (!session?.user?.id) redirect("/login");
  const userId = session.user.id;
  const [mix, strongest, daily, models] = await Promise.all([
    getUserModelMix({ userId }),
    getStrongestRatings({ userId, limit: 6 }),
    getMyDailyChoices({ userId, days: DAYS }),
    listEnabledModels(),
  ]);
  const names = new Map(models.map((m) => [m.id, m.displayName]));
  const name = (id: string) => names.get(id) ?? id;
  // Everyone's shares beside the user's, once the user has answers of their own: before that, "0 % of your answers,
  // less often than for everyone" on every row says nothing.
  const mine = mix.some((m) => m.userDecisions > 0) ? mix.filter((m) => m.userDecisions > 0 || m.populationShare > 0) : [];
  // The chart's series by the names the rest of the page uses.
  const dailyByName = daily.map((d) => ({ ...d, modelId: name(d.modelId) }));
  const series = [...new Set(dailyByName.map((d) => d.modelId))];

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto w-full max-w-3xl space-y-8 p-4 sm:p-6" data-testid="my-routing">
        <header>
          <h1 className="text-xl font-semibold">My routing</h1>
          <p className="mt-1 text-sm text-zinc-600">
            Switchboard sends each message to the model that suits you. Your thumbs, stars and compare votes teach it; here is what it has learned.
          </p>
        </header>

        <section className="space-y-3" aria-labelledby="mix-title">
          <h2 id="mix-title" className="font-semibold">
            Which models answer you
          </h2>
          {mine.length === 0 ? (
            <p className="text-sm text-zinc-600" data-testid="my-mix-empty">
              No answers yet. Start a chat and rate a few answers.
            </p>
          ) : (
            <ul className="space-y-3" data-testid="my-mix">
              {mine.map((m) => (
                <li key={m.modelId} className="space-y-1" data-testid="my-mix-row">
                  <div className="flex flex-wrap justify-between gap-x-3 text-sm">
                    <span className="font-medium">{name(m.modelId)}</span>
                    <span className="text-zinc-700">
                      {percent(m.userShare)} of your answers ({m.userDecisions}), {comparedWithEveryone(m.userShare, m.populationShare)} (
                      {percent(m.populationShare)})
                    </span>
                  </div>
                  <div className="relative h-2 rounded bg-zinc-200" aria-hidden>
                    <div className="h-2 rounded bg-zinc-800" style={{ width: percent(m.userShare) }} />
                    <div className="absolute top-[-3px] h-[14px] w-0.5 bg-amber-600" style={{ left: percent(m.populationShare) }} title="everyone" />
                  </div>
                </li>
              ))}
              <li className="text-xs text-zinc-600">Bar: your share. Marker: everyone&apos;s share.</li>
            </ul>
          )}
        </section>

        <section className="space-y-3" aria-labelledby="ratings-title">
          <h2 id="ratings-title" className="font-semibold">
            The ratings that count most
          </h2>
          {strongest.length === 0 ? (
            <p className="text-sm text-zinc-600">You have not rated an answer yet: the router goes by what most people prefer.</p>
          ) : (
            <ul className="divide-y rounded-lg border" data-testid="my-strongest-ratings">
              {strongest.map((r) => (
                <li key={r.turnId} className="flex items-start gap-3 p-3 text-sm">
                  {r.value >= 0.5 ? (
                    <ThumbsUp className="mt-0.5 size-4 shrink-0 text-emerald-700" aria-label="liked" />
                  ) : (
                    <ThumbsDown className="mt-0.5 size-4 shrink-0 text-red-700" aria-label="disliked" />
                  )}
                  <div className="min-w-0 flex-1">
                    <p className="truncate">{r.question}</p>
                    <p className="text-xs text-zinc-600">
                      {name(r.modelId)}
                      {r.stars ? (
                        <span className="ml-2 inline-flex items-center gap-0.5">
                          {r.stars} <Star className="size-3" aria-label="stars" />
                        </span>
                      ) : null}
                      {r.reasons.length ? ` · ${r.reasons.join(", ")}` : ""}
                      {r.value >= 0.5 ? " · makes this model more likely for questions like it" : " · makes this model less likely for questions like it"}
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="space-y-3" aria-labelledby="time-title">
          <h2 id="time-title" className="font-semibold">
            Your answers over the last {DAYS} days
          </h2>
          {daily.length === 0 ? (
            <p className="text-sm text-zinc-600">Nothing yet.</p>
          ) : (
            <StackedAreaChart testId="my-choices-chart" data={pivotByDay(dailyByName, "turns")} series={series} barsBelow={3} />
          )}
        </section>

        <section aria-labelledby="reset-title">
          <h2 id="reset-title" className="font-semibold">
            Start over
          </h2>
          <PrivacyControls />
        </section>
      </div>
    </div>
  );
}
