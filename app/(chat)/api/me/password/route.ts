import { changePassword } from "@/lib/auth/account";
import { requireUser } from "@/lib/auth/require-user";
import { toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { limitLogin } from "@/lib/security/rate-limit";
import { changePasswordBody } from "../schema";

/**
 * Changes the signed-in user's password. The current password is checked (and counted like a sign-in attempt,
 * so a stolen session cannot guess it); every session, this one included, and every API key are revoked, and the
 * client signs in again.
 */
export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    // Counted before the body is checked, as a registration is: the new password's strength check is costly.
    await limitLogin(request, user.email);
    const body = await parseJsonBody(request, changePasswordBody, "auth", 4_096);
    const revokedApiKeys = await changePassword({ id: user.id, currentPassword: body.currentPassword, newPassword: body.newPassword });
    return Response.json({ changed: true, revokedApiKeys });
  } catch (err) {
    return toErrorResponse(err);
  }
}
