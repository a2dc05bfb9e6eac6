import { z } from "zod";
import { text } from "@/lib/validation/text";

export const sessionIdParam = z.uuid("session id must be a UUID");

export const createSessionBody = z.object({ title: text().trim().min(1).max(120).optional() });

export const renameSessionBody = z.object({ title: text().trim().min(1, "Title must not be empty.").max(120) });

/** `GET /api/sessions?q=…`: a search over the user's chat titles and messages. */
export const searchSessionsQuery = z.object({ q: text().trim().min(1, "Type something to search for.").max(200, "Search text is at most 200 characters.") });
