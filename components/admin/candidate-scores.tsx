type Candidate = { modelId: string; score?: number; probability?: number };

/** Router decisions store candidates as JSON; rows from older router versions may lack fields, so each is read defensively. */
function readCandidates(json: unknown): Candidate[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((c) => (c && typeof c === "object" && typeof (c as Candidate).modelId === "string" ? [c as Candidate] : []));
}

export function CandidateScores({ candidates, chosen }: { candidates: unknown; chosen: string }) {
  const list = readCandidates(candidates);
  if (list.length === 0) return <span className="text-zinc-400">—</span>;
  return (
    <ul className="space-y-0.5 text-xs" data-testid="candidate-scores">
      {list.map((c) => (
        <li key={c.modelId} className={c.modelId === chosen ? "font-semibold" : "text-zinc-600"}>
          {c.modelId}: {typeof c.score === "number" ? c.score.toFixed(3) : "—"}
          {typeof c.probability === "number" ? ` (p ${c.probability.toFixed(2)})` : ""}
        </li>
      ))}
    </ul>
  );
}
