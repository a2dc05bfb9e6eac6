import type { NextAuthConfig } from "next-auth";

/** Edge-safe part of the auth setup: no providers, no database. */
export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt" },
  trustHost: true,
  providers: [],
  callbacks: {
    session({ session, token }) {
      if (token.id) session.user.id = token.id;
      session.user.role = token.role ?? "user";
      return session;
    },
  },
} satisfies NextAuthConfig;
