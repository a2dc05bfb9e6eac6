import { signInWithPassword } from "@/lib/auth";
import { hashPassword } from "@/lib/auth/password";
import { createUser } from "@/lib/db/queries/users";
import { env } from "@/lib/env";
import { toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { limitRegistration } from "@/lib/security/rate-limit";
import { registerBody } from "../../schema";

export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    // Counted before the body is checked: judging a password's strength costs up to ~250 ms of CPU, and a refused
    // one must count, or weak passwords would be a free way to keep the server busy.
    await limitRegistration(request);
    const body = await parseJsonBody(request, registerBody, "auth", 16_000);
    const user = await createUser({ email: body.email, passwordHash: await hashPassword(body.password), name: body.name, adminEmail: env.ADMIN_EMAIL });
    await signInWithPassword(body);
    return Response.json({ user }, { status: 201 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
