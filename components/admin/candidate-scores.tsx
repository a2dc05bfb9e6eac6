import type { CandidateScore } from "@/lib/router/decision";

export function CandidateScores({ candidates, chosen }: { candidates: readonly CandidateScore[]; chosen: string }) {
  if (candidates.length === 0) return <span className="text-zinc-500">—</span>;
  return (
    <ul className="space-y-0.5 text-xs" data-testid="candidate-scores">
      {candidates.map((c) => (
        <li key={c.modelId} className={c.modelId === chosen ? "font-semibold" : "text-zinc-600"}>
          {c.modelId}: {c.score.toFixed(3)} (p {c.probability.toFixed(2)})
        </li>
      ))}
    </ul>
  );
}
