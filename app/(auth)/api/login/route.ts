import { signInWithPassword } from "@/lib/auth";
import { getUserByEmail } from "@/lib/db/queries/users";
import { AppError, toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { loginBody } from "../../schema";

/** JSON sign-in for the login form and API clients; the login limits and the password check are in `authorize`, shared with next-auth's own endpoint. */
export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    const body = await parseJsonBody(request, loginBody, "auth", 16_000);
    await signInWithPassword(body);
    const user = await getUserByEmail({ email: body.email });
    if (!user) throw new AppError("unauthorized:auth", "Wrong email or password.");
    return Response.json({ user: { id: user.id, email: user.email, role: user.role } });
  } catch (err) {
    return toErrorResponse(err);
  }
}
