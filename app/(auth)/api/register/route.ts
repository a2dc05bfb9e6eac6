import { signIn } from "@/lib/auth";
import { hashPassword } from "@/lib/auth/password";
import { createUser } from "@/lib/db/queries/users";
import { env } from "@/lib/env";
import { toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { registerBody } from "../../schema";

export async function POST(request: Request) {
  try {
    const body = await parseJsonBody(request, registerBody, "auth", 16_000);
    const user = await createUser({ email: body.email, passwordHash: await hashPassword(body.password), name: body.name, adminEmail: env.ADMIN_EMAIL });
    await signIn("credentials", { email: body.email, password: body.password, redirect: false });
    return Response.json({ user }, { status: 201 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
