import Link from "next/link";
import { DataTable } from "@/components/admin/data-table";
import { formatMoney, formatNumber, formatPercent } from "@/components/admin/format";
import { Pagination } from "@/components/admin/pagination";
import { listAdminUsers, type UserSort } from "@/lib/db/queries/admin/users";
import { USERS_PAGE_SIZE, type UsersQuery, usersQuery } from "../../api/admin/users/schema";
import { requireAdminPage } from "../../require-admin-page";

export const dynamic = "force-dynamic";

const COLUMNS: { label: string; sort?: UserSort }[] = [
  { label: "User", sort: "email" },
  { label: "Joined", sort: "created" },
  { label: "Turns", sort: "turns" },
  { label: "Ratings given", sort: "ratings" },
  { label: "Cold start" },
  { label: "Top routed model" },
  { label: "Satisfaction", sort: "satisfaction" },
  { label: "Spend", sort: "spend" },
];

function sortHref(query: UsersQuery, sort: UserSort): string {
  const dir = query.sort === sort && query.dir === "desc" ? "asc" : "desc";
  const params = new URLSearchParams({ ...(query.q ? { q: query.q } : {}), sort, dir });
  return `/admin/users?${params}`;
}

export default async function AdminUsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const query = usersQuery.parse(await searchParams);
  const { rows, total } = await listAdminUsers({
    search: query.q || undefined,
    sort: query.sort,
    direction: query.dir,
    page: query.page,
    pageSize: USERS_PAGE_SIZE,
  });

  return (
    <>
      <h1 className="text-2xl font-semibold">Users</h1>
      <form method="GET" action="/admin/users" className="flex gap-2 text-sm">
        <input name="q" defaultValue={query.q ?? ""} placeholder="Search email or name" data-testid="users-search" className="w-72 rounded border px-2 py-1" />
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <button type="submit" data-testid="users-search-submit" className="rounded border px-3 py-1 hover:bg-zinc-100">
          Search
        </button>
      </form>
      <DataTable
        testId="users-table"
        empty="No users match."
        labels={COLUMNS.map((c) => c.label)}
        headers={COLUMNS.map((c) =>
          c.sort ? (
            <Link key={c.label} href={sortHref(query, c.sort)} data-testid={`users-sort-${c.sort}`} className="underline decoration-dotted">
              {c.label}
              {query.sort === c.sort ? (query.dir === "desc" ? " ↓" : " ↑") : ""}
            </Link>
          ) : (
            c.label
          ),
        )}
        rows={rows.map((u) => ({
          key: u.id,
          cells: [
            <Link key="u" href={`/admin/users/${u.id}`} data-testid="users-row-link" className="text-blue-700 underline">
              {u.email}
              {u.role === "admin" ? " (admin)" : ""}
            </Link>,
            u.createdAt.toISOString().slice(0, 10),
            formatNumber(u.turns),
            formatNumber(u.ratings),
            u.coldStart === null ? "no decisions" : u.coldStart ? "cold start" : "personalised",
            u.topModelId ?? "—",
            formatPercent(u.satisfaction),
            formatMoney(u.spend),
          ],
        }))}
      />
      <Pagination
        basePath="/admin/users"
        params={{ q: query.q, sort: query.sort, dir: query.dir }}
        page={query.page}
        pageSize={USERS_PAGE_SIZE}
        total={total}
        hasNext={query.page * USERS_PAGE_SIZE < total}
      />
    </>
  );
}
