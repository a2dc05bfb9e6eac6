import type { DefaultSession } from "next-auth";

type UserRole = "user" | "admin";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: UserRole } & DefaultSession["user"];
  }
  interface User {
    role?: UserRole;
    sessionVersion?: number;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    id?: string;
    role?: UserRole;
    /** users.session_version when the token was issued; another value means the session was revoked. */
    sv?: number;
  }
}
