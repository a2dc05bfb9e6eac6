import Link from "next/link";

/** Previous/next links that keep the other query parameters. */
export function Pagination({
  basePath,
  params,
  page,
  hasNext,
  total,
  pageSize,
}: {
  basePath: string;
  params: Record<string, string | undefined>;
  page: number;
  hasNext: boolean;
  total?: number;
  pageSize: number;
}) {
  const href = (p: number) => {
    const query = new URLSearchParams(Object.entries({ ...params, page: String(p) }).filter((e): e is [string, string] => Boolean(e[1])));
    return `${basePath}?${query}`;
  };
  return (
    <div className="flex items-center gap-3 text-sm" data-testid="pagination">
      {page > 1 ? (
        <Link href={href(page - 1)} data-testid="pagination-prev" className="underline">
          ← Previous
        </Link>
      ) : null}
      <span data-testid="pagination-status">
        Page {page}
        {total !== undefined ? ` of ${Math.max(1, Math.ceil(total / pageSize))} (${total.toLocaleString("en-US")} total)` : ""}
      </span>
      {hasNext ? (
        <Link href={href(page + 1)} data-testid="pagination-next" className="underline">
          Next →
        </Link>
      ) : null}
    </div>
  );
}
