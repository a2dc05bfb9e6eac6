import NextAuth, { type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { z } from "zod";
import { getUserByEmail, upsertOAuthUser } from "@/lib/db/queries/users";
import { env } from "@/lib/env";
import { authConfig } from "./config";
import { emailSchema, verifyPassword } from "./password";

const credentialsSchema = z.object({ email: emailSchema, password: z.string().min(1).max(1024) });

/** Verifies email + password; returns the user or null. Shared by next-auth and the login endpoint. */
export async function checkCredentials(input: unknown) {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const user = await getUserByEmail({ email: parsed.data.email });
  if (!user?.passwordHash) return null;
  if (!(await verifyPassword(parsed.data.password, user.passwordHash))) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

function oauthProviders(): NextAuthConfig["providers"] {
  const providers: NextAuthConfig["providers"] = [];
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) providers.push(GitHub({ clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET }));
  if (env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET) providers.push(Google({ clientId: env.AUTH_GOOGLE_ID, clientSecret: env.AUTH_GOOGLE_SECRET }));
  return providers;
}

export const oauthProviderIds = oauthProviders().map((p) => (typeof p === "function" ? p().id : p.id));

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  secret: env.AUTH_SECRET,
  providers: [Credentials({ credentials: { email: {}, password: {} }, authorize: checkCredentials }), ...oauthProviders()],
  callbacks: {
    ...authConfig.callbacks,
    async jwt({ token, user, account, profile }) {
      if (account && account.provider !== "credentials") {
        const email = profile?.email ?? user?.email;
        if (!email) throw new Error(`${account.provider} did not return an email address`);
        const linked = await upsertOAuthUser({ provider: account.provider, providerAccountId: account.providerAccountId, email: email.toLowerCase(), name: user?.name ?? null, adminEmail: env.ADMIN_EMAIL });
        token.id = linked.id;
        token.role = linked.role;
      } else if (user) {
        token.id = user.id;
        token.role = user.role ?? "user";
      }
      return token;
    },
  },
});
