"use client";

import { useState } from "react";
import type { DecisionSummary } from "@/lib/chat/ui-message";

/** Which model answered, and on click, why the router chose it. */
export function ModelBadge({ modelId, modelName, decision }: { modelId: string; modelName: string; decision: DecisionSummary | null }) {
  const [open, setOpen] = useState(false);
  const ranked = [...(decision?.candidates ?? [])].sort((a, b) => b.probability - a.probability);
  return (
    <span className="relative">
      <button type="button" onClick={() => setOpen((o) => !o)} data-testid="model-badge" data-model-id={modelId} className="rounded-full border px-2 py-0.5 font-medium text-zinc-700 hover:bg-zinc-50">
        {modelName}
      </button>
      {open && decision && (
        <div role="dialog" data-testid="why-popover" className="absolute left-0 z-10 mt-1 w-72 rounded-lg border bg-white p-3 text-xs shadow-lg">
          <p className="mb-2 font-semibold text-zinc-800">Why this model</p>
          {decision.override ? <p className="mb-2">You picked this model for this turn.</p> : null}
          {decision.fallback ? <p className="mb-2 text-amber-700">The router was unavailable; the default model answered.</p> : null}
          <ul className="space-y-1">
            {ranked.map((c) => (
              <li key={c.modelId} data-testid="why-candidate">
                <div className="flex justify-between">
                  <span>
                    {c.modelId}
                    {c.unseen ? " (new to the router)" : ""}
                    {c.adjustment ? (
                      <span data-testid="why-adjustment" className={c.adjustment > 0 ? "text-emerald-700" : "text-red-700"}>
                        {" "}
                        {c.adjustment > 0 ? "+" : ""}
                        {c.adjustment.toFixed(2)} from your ratings
                      </span>
                    ) : null}
                  </span>
                  <span>{Math.round(c.probability * 100)}%</span>
                </div>
                <div className="h-1.5 rounded bg-zinc-100">
                  <div className="h-1.5 rounded bg-zinc-700" style={{ width: `${Math.round(c.probability * 100)}%` }} />
                </div>
              </li>
            ))}
          </ul>
          <p className="mt-2 text-zinc-500" data-testid="why-state">
            {decision.coldStart ? "No ratings from you yet: population preference." : `Personalised with ${decision.ratingsUsed} of your ratings.`} Router {decision.routerVersion} on{" "}
            {decision.executionProvider}, {decision.totalMs.toFixed(1)} ms.
          </p>
        </div>
      )}
    </span>
  );
}
