import { requireAdmin } from "@/lib/auth/require-user";
import { listAdminUsers } from "@/lib/db/queries/admin/users";
import { toErrorResponse } from "@/lib/errors";
import { USERS_PAGE_SIZE, usersQuery } from "./schema";

export async function GET(request: Request) {
  try {
    await requireAdmin();
    const query = usersQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
    const result = await listAdminUsers({ search: query.q || undefined, sort: query.sort, direction: query.dir, page: query.page, pageSize: USERS_PAGE_SIZE });
    return Response.json({ ...result, page: query.page, pageSize: USERS_PAGE_SIZE });
  } catch (err) {
    return toErrorResponse(err);
  }
}
