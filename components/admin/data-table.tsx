/**
 * A plain table: rows are pre-formatted cells; the caller keys rows and gives each a test id.
 *
 * On phones each row becomes a card of "label: value" lines, since a table of six or more columns would
 * otherwise scroll sideways and hide most of itself. The labels are the headers (or `labels`, where a header
 * is a control such as a sort link); headers that are controls stay visible above the cards. The elements
 * keep explicit table roles because CSS display changes drop a table's semantics in some browsers.
 */
// biome-ignore-all lint/a11y/noRedundantRoles: the phone layout changes display, which drops implicit table roles.
// biome-ignore-all lint/a11y/useSemanticElements: as above; the elements are the semantic ones, the roles restate them.
export function DataTable({
  headers,
  labels,
  rows,
  testId,
  empty = "No data yet.",
}: {
  headers: React.ReactNode[];
  /** Plain-text column names for the phone layout, when a header is not plain text. */
  labels?: readonly string[];
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
  const names = labels ?? headers.map((h) => (typeof h === "string" ? h : ""));
  const headerControls = headers.some((h) => typeof h !== "string");
  return (
    // Wide tables scroll inside their box above phone size; focusable so the keyboard can scroll them too.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable (axe scrollable-region-focusable).
    <section className="overflow-x-auto rounded-lg border" tabIndex={0} aria-label={`${testId.replace(/-/g, " ")} table`}>
      <table role="table" className="w-full text-left text-sm max-sm:block" data-testid={testId}>
        <thead role="rowgroup" className={`bg-zinc-50 text-xs uppercase text-zinc-600 ${headerControls ? "max-sm:block" : "max-sm:sr-only"}`}>
          <tr role="row" className="max-sm:flex max-sm:flex-wrap max-sm:gap-x-3 max-sm:px-3 max-sm:py-2">
            {headers.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and never reorder.
              <th key={i} role="columnheader" scope="col" className="px-3 py-2 font-medium max-sm:p-0">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup" className="max-sm:block">
          {rows.map((r) => (
            <tr key={r.key} role="row" className="border-t align-top max-sm:block max-sm:py-2" data-testid={`${testId}-row`}>
              {r.cells.map((c, i) => (
                <td
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and never reorder.
                  key={i}
                  role="cell"
                  data-label={names[i]}
                  className="px-3 py-2 max-sm:flex max-sm:gap-3 max-sm:py-1 max-sm:before:w-2/5 max-sm:before:shrink-0 max-sm:before:text-xs max-sm:before:uppercase max-sm:before:text-zinc-500 max-sm:before:content-[attr(data-label)]"
                >
                  <div className="min-w-0 max-sm:flex-1 max-sm:break-words">{c}</div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
