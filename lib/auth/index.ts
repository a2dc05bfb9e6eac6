import NextAuth, { AuthError, CredentialsSignin, type NextAuthConfig } from "next-auth";
import type { JWT } from "next-auth/jwt";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { z } from "zod";
import { getSessionState, getUserByEmail, revokeSessions, upsertOAuthUser } from "@/lib/db/queries/users";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getLogger } from "@/lib/log";
import { limitLogin, RateLimitError, secondsLeftInWindow } from "@/lib/security/rate-limit";
import { authConfig } from "./config";
import { emailSchema, verifyPasswordOrDummy } from "./password";
import { decodeSessionToken, encodeSessionToken } from "./session-token";

const credentialsSchema = z.object({ email: emailSchema, password: z.string().min(1).max(1024) });

/** A password attempt refused by the login rate limit; next-auth passes the code on, and both sign-in routes answer 429. */
export class LoginThrottled extends CredentialsSignin {
  code = "rate_limited";
}

/**
 * next-auth's `authorize`, the one place every password sign-in goes through
 * (POST /api/login calls signIn, which lands here too, as does next-auth's own
 * POST /api/auth/callback/credentials): the attempt is counted against the
 * login limits first, then the password is checked, taking as long for an
 * unknown email as for a wrong password.
 */
export async function checkCredentials(input: unknown, request: Request) {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  try {
    await limitLogin(request, parsed.data.email);
  } catch (err) {
    throw err instanceof RateLimitError ? new LoginThrottled() : err;
  }
  const user = await getUserByEmail({ email: parsed.data.email });
  if (!(await verifyPasswordOrDummy(parsed.data.password, user?.passwordHash))) return null;
  return { id: user!.id, email: user!.email, name: user!.name, role: user!.role, sessionVersion: user!.sessionVersion };
}

function oauthProviders(): NextAuthConfig["providers"] {
  const providers: NextAuthConfig["providers"] = [];
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) providers.push(GitHub({ clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET }));
  if (env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET) providers.push(Google({ clientId: env.AUTH_GOOGLE_ID, clientSecret: env.AUTH_GOOGLE_SECRET }));
  return providers;
}

export const oauthProviderIds = oauthProviders().map((p) => (typeof p === "function" ? p().id : p.id));

/**
 * Whether the provider vouches for the email address. Google says so per
 * address (`email_verified`); GitHub's profile does not, so its address never
 * joins an existing account or matches ADMIN_EMAIL.
 */
function providerVerifiedEmail(provider: string, profile: Record<string, unknown> | undefined): boolean {
  return provider === "google" && profile?.email_verified === true;
}

/**
 * Every request after sign-in: the session stands only while its user exists
 * and its version is the user's current one (a sign-out bumps it), and the
 * role is the database's, not the one the JWT was issued with. While the
 * database is unavailable the token is left as it is, so nobody is signed out
 * by an outage; the request itself then fails on its own queries with a 503.
 */
async function checkSession(token: JWT): Promise<JWT | null> {
  if (!token.id) return null;
  let state: Awaited<ReturnType<typeof getSessionState>>;
  try {
    state = await getSessionState({ id: token.id });
  } catch (err) {
    if (isDatabaseUnavailable(err)) return token;
    throw err;
  }
  if (!state || state.sessionVersion !== (token.sv ?? 0)) return null;
  return { ...token, role: state.role };
}

const logger = getLogger("auth");

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  secret: env.AUTH_SECRET,
  jwt: { encode: encodeSessionToken, decode: decodeSessionToken },
  // A wrong or throttled password is an answer, not an error; everything else next-auth reports goes to the JSON log.
  logger: {
    error: (error) => (error instanceof CredentialsSignin ? logger.debug({ code: error.code }, "sign-in refused") : logger.error({ err: error }, "auth error")),
    warn: (code) => logger.warn({ code }, "auth warning"),
    // next-auth's debug metadata can hold the submitted credentials: only the message is kept.
    debug: (message) => logger.debug(message),
  },
  providers: [Credentials({ credentials: { email: {}, password: {} }, authorize: checkCredentials }), ...oauthProviders()],
  events: {
    // Signing out signs out everywhere, through the app's menu (lib/auth/logout-action.ts) and next-auth's own
    // endpoint alike: the user's session version moves on, so a copied cookie is refused too.
    async signOut(message) {
      if ("token" in message && message.token?.id) await revokeSessions({ id: message.token.id });
    },
  },
  callbacks: {
    ...authConfig.callbacks,
    async jwt({ token, user, account, profile }) {
      if (account && account.provider !== "credentials") {
        const email = profile?.email ?? user?.email;
        if (!email) throw new Error(`${account.provider} did not return an email address`);
        const linked = await upsertOAuthUser({
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          email: email.toLowerCase(),
          emailVerified: providerVerifiedEmail(account.provider, profile),
          name: user?.name ?? null,
          adminEmail: env.ADMIN_EMAIL,
        });
        return { ...token, id: linked.id, role: linked.role, sv: linked.sessionVersion };
      }
      if (user) return { ...token, id: user.id, role: user.role ?? "user", sv: user.sessionVersion ?? 0 };
      return checkSession(token);
    },
  },
});

/** A password sign-in through next-auth (sets the session cookie), with its refusals as the AppErrors our routes answer with. */
export async function signInWithPassword(credentials: { email: string; password: string }): Promise<void> {
  try {
    await signIn("credentials", { ...credentials, redirect: false });
  } catch (err) {
    if (err instanceof LoginThrottled) throw new RateLimitError("auth", secondsLeftInWindow());
    if (err instanceof CredentialsSignin) throw new AppError("unauthorized:auth", "Wrong email or password.");
    // Anything else `authorize` threw (the database being unavailable) arrives wrapped in a CallbackRouteError.
    const cause = err instanceof AuthError ? (err.cause as { err?: unknown } | undefined)?.err : undefined;
    throw cause ?? err;
  }
}
