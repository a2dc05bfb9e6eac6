import { requireUser } from "@/lib/auth/require-user";
import { toErrorResponse } from "@/lib/errors";
import { forgetPreferences } from "@/lib/router/privacy";
import { assertSameOrigin } from "@/lib/security/origin";

/** "Forget my preferences": deletes the user's ratings and compare votes; the next route is cold-start. */
export async function DELETE(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    return Response.json(await forgetPreferences({ userId: user.id }));
  } catch (err) {
    return toErrorResponse(err);
  }
}
