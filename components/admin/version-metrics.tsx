import { formatNumber, formatPercent, signedPoints } from "./format";

type Held = { pairs?: number; pairAccuracy?: number | null; points?: number; pointAuc?: number | null };
type Metrics = {
  heldOut?: { candidate?: Held; active?: { metrics?: Held | null }; pairAccuracyGain?: number | null };
  train?: Record<string, unknown>;
  export?: Record<string, unknown>;
  trigger?: { kind?: string; detail?: string };
  activation?: { activate?: boolean; reason?: string };
};

const TRIGGERS: Record<string, string> = { admin: "an admin", cli: "the command line", ratings: "new ratings", schedule: "the schedule" };

const asMetrics = (value: unknown): Metrics => (value && typeof value === "object" ? (value as Metrics) : {});

/** How many held-out pairs judged this version; null when its metrics do not say (registered by hand or by an older run). */
export function heldOutPairs(metrics: unknown): number | null {
  const pairs = asMetrics(metrics).heldOut?.candidate?.pairs;
  return typeof pairs === "number" ? pairs : null;
}

/** A metric that is -1 or missing was not computed (too little data): say so instead of printing the sentinel. */
const shown = (v: unknown, format: (n: number) => string) => (typeof v === "number" && v >= 0 ? format(v) : "not computed");

/** A router version's evaluation as a small readable table; the raw JSON stays one click away. */
export function VersionMetrics({ metrics }: { metrics: unknown }) {
  const m = asMetrics(metrics);
  const held = m.heldOut?.candidate;
  const rows: [string, string][] = [];
  if (held) {
    rows.push(["Held-out pairs", formatNumber(held.pairs ?? 0)]);
    rows.push(["Pair accuracy", shown(held.pairAccuracy, (n) => formatPercent(n))]);
    const active = m.heldOut?.active?.metrics?.pairAccuracy;
    if (typeof active === "number") rows.push(["Active version's accuracy", formatPercent(active)]);
    if (typeof m.heldOut?.pairAccuracyGain === "number") rows.push(["Gain over active", signedPoints(m.heldOut.pairAccuracyGain)]);
    rows.push(["Held-out ratings", formatNumber(held.points ?? 0)]);
    rows.push(["Rating AUC", shown(held.pointAuc, (n) => n.toFixed(3))]);
  }
  for (const [key, value] of Object.entries(m.train ?? {})) {
    if (typeof value === "number") rows.push([`Training ${key}`, shown(value, (n) => (Number.isInteger(n) ? formatNumber(n) : n.toFixed(3)))]);
  }
  for (const [key, value] of Object.entries(metrics && typeof metrics === "object" && !m.heldOut && !m.train ? (metrics as Record<string, unknown>) : {})) {
    if (typeof value === "number") rows.push([key, shown(value, (n) => n.toFixed(3))]);
  }
  return (
    <div className="min-w-48 text-xs" data-testid="version-metrics">
      {m.trigger?.kind ? (
        <p className="text-zinc-600" data-testid="version-trigger">
          Started by {TRIGGERS[m.trigger.kind] ?? m.trigger.kind}
          {m.trigger.detail ? `: ${m.trigger.detail}` : ""}
        </p>
      ) : null}
      {m.activation?.reason ? (
        <p className={m.activation.activate ? "text-emerald-700" : "text-zinc-600"} data-testid="version-activation">
          {m.activation.reason[0].toUpperCase() + m.activation.reason.slice(1)}.
        </p>
      ) : null}
      {rows.length > 0 ? (
        <dl className="grid grid-cols-[auto_auto] gap-x-3 gap-y-0.5">
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-zinc-600">{label}</dt>
              <dd className="text-right tabular-nums">{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="text-zinc-600">No evaluation recorded.</p>
      )}
      <details className="mt-1">
        <summary className="cursor-pointer text-zinc-600">Raw metrics</summary>
        <pre className="max-w-xs overflow-x-auto whitespace-pre-wrap">{JSON.stringify(metrics, null, 1)}</pre>
      </details>
    </div>
  );
}
