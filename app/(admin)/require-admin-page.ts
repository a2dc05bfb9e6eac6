import "server-only";
import { forbidden, redirect } from "next/navigation";
import { auth } from "@/lib/auth";

/**
 * The admin check for pages and layouts: anonymous visitors go to the login
 * page, signed-in non-admins get the 403 page. Every admin page calls it
 * itself, because a layout is not re-rendered on client-side navigation.
 */
export async function requireAdminPage(): Promise<{ id: string; email: string }> {
  const session = await auth();
  if (!session?.user?.id) redirect("/login");
  if (session.user.role !== "admin") forbidden();
  return { id: session.user.id, email: session.user.email ?? "" };
}
