import { requireUser } from "@/lib/auth/require-user";
import { deleteAccount } from "@/lib/db/queries/users";
import { AppError, toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { deleteAccountBody } from "./schema";

/** Deletes the signed-in user's account and everything it owns, confirmed by typing the account's email. */
export async function DELETE(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    const body = await parseJsonBody(request, deleteAccountBody, "auth", 1_024);
    if (body.confirmEmail !== user.email.toLowerCase()) throw new AppError("bad_request:auth", "The email you typed is not this account's email.");
    await deleteAccount({ id: user.id });
    return Response.json({ deleted: true });
  } catch (err) {
    return toErrorResponse(err);
  }
}
