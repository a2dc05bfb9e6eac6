"use server";

import { auth, signOut } from "@/lib/auth";
import { revokeSessions } from "@/lib/db/queries/users";

/** Signing out signs out everywhere: the user's session version moves on, so a copied cookie is refused too. */
export async function logout() {
  const session = await auth();
  if (session?.user?.id) await revokeSessions({ id: session.user.id });
  await signOut({ redirectTo: "/login" });
}
