type Values = { user?: string; model?: string; from?: string; to?: string; override?: "yes" | "no"; fallback?: "yes" | "no" };

/** A GET form: filtering is a plain navigation, so the filtered page renders on the server. */
export function DecisionFilters({ values, models }: { values: Values; models: string[] }) {
  const field = "rounded border px-2 py-1";
  return (
    <form method="GET" action="/admin/decisions" className="flex flex-wrap items-end gap-2 text-sm" data-testid="decision-filters">
      <input
        name="user"
        aria-label="User email or id"
        defaultValue={values.user ?? ""}
        placeholder="User email or id"
        className={field}
        data-testid="filter-user"
      />
      <select name="model" aria-label="Model" defaultValue={values.model ?? ""} className={field} data-testid="filter-model">
        <option value="">Any model</option>
        {models.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <label className="flex flex-col text-xs">
        From
        <input type="date" name="from" defaultValue={values.from ?? ""} className={field} data-testid="filter-from" />
      </label>
      <label className="flex flex-col text-xs">
        To
        <input type="date" name="to" defaultValue={values.to ?? ""} className={field} data-testid="filter-to" />
      </label>
      <select name="override" aria-label="Override" defaultValue={values.override ?? ""} className={field} data-testid="filter-override">
        <option value="">Override: any</option>
        <option value="yes">Overrides only</option>
        <option value="no">No overrides</option>
      </select>
      <select name="fallback" aria-label="Fallback" defaultValue={values.fallback ?? ""} className={field} data-testid="filter-fallback">
        <option value="">Fallback: any</option>
        <option value="yes">Fallbacks only</option>
        <option value="no">No fallbacks</option>
      </select>
      <button type="submit" className="rounded border px-3 py-1 hover:bg-zinc-100" data-testid="filter-submit">
        Filter
      </button>
    </form>
  );
}
