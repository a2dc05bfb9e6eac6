import "server-only";
import { AppError } from "@/lib/errors";
import { auth } from "./index";

export type SessionUser = { id: string; email: string; role: "user" | "admin" };

/** The signed-in user, or a 401 for route handlers. */
export async function requireUser(): Promise<SessionUser> {
  const session = await auth();
  if (!session?.user?.id || !session.user.email) throw new AppError("unauthorized:auth", "Sign in to continue.");
  return { id: session.user.id, email: session.user.email, role: session.user.role };
}

export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== "admin") throw new AppError("forbidden:admin", "Administrators only.");
  return user;
}
