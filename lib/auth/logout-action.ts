"use server";

import { signOut } from "@/lib/auth";

/** Signing out signs out everywhere: next-auth's signOut event revokes every session of the user (lib/auth/index.ts). */
export async function logout() {
  await signOut({ redirectTo: "/login" });
}
