export function StatCard({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId: string }) {
  return (
    <div className="rounded-lg border p-4" data-testid={testId}>
      <p className="text-xs uppercase tracking-wide text-zinc-600">{label}</p>
      {/* A long value (a router version, "gmtrouter-switchboard/0.1.0") in a smaller size, so that it wraps between its parts
          rather than inside them. */}
      <p className={`mt-1 font-semibold [overflow-wrap:anywhere] ${value.length > 14 ? "text-base" : "text-2xl"}`} data-testid={`${testId}-value`}>
        {value}
      </p>
      {hint ? <p className="mt-1 text-xs text-zinc-600">{hint}</p> : null}
    </div>
  );
}

export function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId: string }) {
  return (
    <section className="space-y-3" data-testid={testId}>
      <h2 className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}
