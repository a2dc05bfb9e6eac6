import { z } from "zod";
import { USER_SORTS } from "@/lib/db/queries/admin/users";
import { text } from "@/lib/validation/text";

/** Query of the users table (page and API): unknown or malformed values fall back to defaults. */
export const usersQuery = z.object({
  q: text().trim().max(200).optional().catch(undefined),
  sort: z.enum(USER_SORTS).catch("turns"),
  dir: z.enum(["asc", "desc"]).catch("desc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export type UsersQuery = z.infer<typeof usersQuery>;

export const USERS_PAGE_SIZE = 25;
