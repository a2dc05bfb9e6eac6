import { NextRequest } from "next/server";
import { handlers } from "@/lib/auth";
import { toErrorResponse } from "@/lib/errors";
import { readBodyText } from "@/lib/http";
import { RateLimitError, secondsLeftInWindow } from "@/lib/security/rate-limit";

export const { GET } = handlers;

/** Where next-auth sends the client after a refused sign-in: `?error=CredentialsSignin&code=…`, as a redirect or as `{ url }`. */
async function refusedByLoginLimit(response: Response): Promise<boolean> {
  let target = response.headers.get("location");
  if (!target && response.headers.get("content-type")?.includes("json")) {
    target =
      (
        (await response
          .clone()
          .json()
          .catch(() => null)) as { url?: string } | null
      )?.url ?? null;
  }
  return target !== null && new URL(target, "http://x").searchParams.get("code") === "rate_limited";
}

/**
 * next-auth's POST endpoints (the credentials callback, sign-out, session
 * updates). Their bodies are capped like ours, and a sign-in that the login
 * limit refused in `authorize` is answered 429 with Retry-After, as on /api/login.
 */
export async function POST(request: NextRequest) {
  try {
    const body = await readBodyText(request, "auth", 16_000);
    const headers = new Headers(request.headers);
    headers.delete("content-length");
    const response = await handlers.POST(new NextRequest(request.url, { method: "POST", headers, body }));
    if (await refusedByLoginLimit(response)) throw new RateLimitError("auth", secondsLeftInWindow());
    return response;
  } catch (err) {
    return toErrorResponse(err);
  }
}
