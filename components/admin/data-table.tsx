/** A plain table: rows are pre-formatted cells; the caller keys rows and gives each a test id. */
export function DataTable({
  headers,
  rows,
  testId,
  empty = "No data yet.",
}: {
  headers: React.ReactNode[];
  rows: { key: string; cells: React.ReactNode[] }[];
  testId: string;
  empty?: string;
}) {
  if (rows.length === 0) {
    return (
      <p className="text-sm text-zinc-500" data-testid={`${testId}-empty`}>
        {empty}
      </p>
    );
  }
  return (
    // Wide tables scroll inside their box on small screens; focusable so the keyboard can scroll them too.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable (axe scrollable-region-focusable).
    <section className="overflow-x-auto rounded-lg border" tabIndex={0} aria-label={`${testId.replace(/-/g, " ")} table`}>
      <table className="w-full text-left text-sm" data-testid={testId}>
        <thead className="bg-zinc-50 text-xs uppercase text-zinc-600">
          <tr>
            {headers.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and never reorder.
              <th key={i} className="px-3 py-2 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className="border-t align-top" data-testid={`${testId}-row`}>
              {r.cells.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and never reorder.
                <td key={i} className="px-3 py-2">
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
