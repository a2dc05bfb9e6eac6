"use client";

import * as Popover from "@radix-ui/react-popover";
import { Info } from "lucide-react";
import type { CandidateScore, DecisionSummary } from "@/lib/router/decision";
import { useModelName } from "./model-names";

/**
 * The user's ratings move a model's score by up to ±2 logits
 * (router-core/online-preference.ts); the popover says so in words.
 */
function ratingsEffect(adjustment: number): string | null {
  const size = Math.abs(adjustment);
  if (size < 0.05) return null;
  const strength = size >= 1 ? "strongly " : size < 0.3 ? "slightly " : "";
  return adjustment > 0
    ? `your ratings and picks on similar questions ${strength}favour it`
    : `your ratings and picks on similar questions ${strength}count against it`;
}

function whyText(decision: DecisionSummary): string {
  if (decision.fallback) return "The router was unavailable, so the default model answered.";
  if (decision.override) return "You picked this model for this message.";
  if (decision.compareSide) return "Compare mode: two models answered and you voted.";
  const own = decision.coldStart
    ? "You have not rated answers yet"
    : // The user's graph: ratings, compare-mode votes and the models they picked themselves (lib/router/signals.ts).
      `Personalised with ${decision.ratingsUsed} of your ratings, votes and model picks`;
  switch (decision.basis) {
    case "exploration":
      return "Now and then the router tries a model few people have rated yet: your rating of this answer teaches it what the model is good at.";
    case "population":
      return `${own}; everyone's ratings of answers to similar questions decided.`;
    case "hints":
      return `${own}; with too few ratings of these models yet, the administrator's notes on what each model is for decided.`;
    default:
      return decision.coldStart ? "You have not rated answers yet, so the router went by what most people prefer for questions like this." : `${own}.`;
  }
}

function CandidateRow({ candidate, chosen }: { candidate: CandidateScore; chosen: boolean }) {
  const percent = Math.round(candidate.probability * 100);
  const effect = candidate.adjustment ? ratingsEffect(candidate.adjustment) : null;
  const nameOf = useModelName();
  return (
    <li data-testid="why-candidate" className="space-y-0.5">
      <div className="flex justify-between gap-2">
        <span className={chosen ? "font-semibold" : undefined}>
          {nameOf(candidate.modelId)}
          {candidate.unseen ? " (new to the router)" : ""}
        </span>
        <span>{percent}% fit</span>
      </div>
      <div className="h-1.5 rounded bg-zinc-200" aria-hidden>
        <div className="h-1.5 rounded bg-zinc-700" style={{ width: `${percent}%` }} />
      </div>
      {effect ? (
        <p data-testid="why-adjustment" className={candidate.adjustment! > 0 ? "text-emerald-700" : "text-red-700"}>
          {effect[0].toUpperCase() + effect.slice(1)}.
        </p>
      ) : null}
    </li>
  );
}

/** Which model answered, and on click, why the router chose it (Radix popover: stays on screen, closes on Escape or a click outside). */
export function ModelBadge({ modelId, modelName, decision }: { modelId: string; modelName: string; decision: DecisionSummary | null }) {
  const ranked = [...(decision?.candidates ?? [])].sort((a, b) => b.probability - a.probability);
  if (!decision) {
    return (
      <span data-testid="model-badge" data-model-id={modelId} className="rounded-full border px-2 py-0.5 font-medium text-zinc-700">
        {modelName}
      </span>
    );
  }
  return (
    <Popover.Root>
      <Popover.Trigger
        data-testid="model-badge"
        data-model-id={modelId}
        aria-label={`${modelName}: why this model`}
        className="inline-flex items-center gap-1 rounded-full border px-2 py-0.5 font-medium text-zinc-700 hover:bg-zinc-100"
      >
        {modelName}
        <Info className="size-3" aria-hidden />
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          data-testid="why-popover"
          side="bottom"
          align="start"
          sideOffset={6}
          collisionPadding={12}
          className="z-50 max-h-[var(--radix-popover-content-available-height)] w-[min(20rem,calc(100vw-24px))] overflow-y-auto rounded-lg border bg-white p-3 text-xs text-zinc-800 shadow-lg"
        >
          <p className="mb-1 font-semibold text-zinc-900">Why {modelName}</p>
          <p className="mb-2 text-zinc-700" data-testid="why-state">
            {whyText(decision)}
          </p>
          <ul className="space-y-2">
            {ranked.map((c) => (
              <CandidateRow key={c.modelId} candidate={c} chosen={c.modelId === modelId} />
            ))}
          </ul>
          <p className="mt-2 text-zinc-600">
            Router {decision.routerVersion} on {decision.executionProvider}, {decision.totalMs.toFixed(1)} ms.
          </p>
          <Popover.Arrow className="fill-white" />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
