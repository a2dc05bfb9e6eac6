import { checkCredentials, signIn } from "@/lib/auth";
import { AppError, toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { limitLogin } from "@/lib/security/rate-limit";
import { loginBody } from "../../schema";

export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    const body = await parseJsonBody(request, loginBody, "auth", 16_000);
    await limitLogin(request, body.email);
    const user = await checkCredentials(body);
    if (!user) throw new AppError("unauthorized:auth", "Wrong email or password.");
    await signIn("credentials", { email: body.email, password: body.password, redirect: false });
    return Response.json({ user: { id: user.id, email: user.email, role: user.role } });
  } catch (err) {
    return toErrorResponse(err);
  }
}
