import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { requestOrigin } from "./peer";

/** Scheme and host must both match: an http:// page on the same host is another origin than the https:// app. */
function isAllowedOrigin(origin: string, request: Request): boolean {
  if (env.ALLOWED_ORIGINS.includes(origin)) return true;
  try {
    return new URL(origin).origin === requestOrigin(request);
  } catch {
    return false; // "null" (sandboxed frames, some redirects) and garbage are never same-origin
  }
}

/**
 * CSRF guard for our state-changing JSON APIs (next-auth's own endpoints use
 * its CSRF token). Browsers send Origin on every cross-site POST, PATCH and
 * DELETE and pages cannot forge it, so a foreign Origin is refused with 403.
 * Without Origin the caller is a non-browser client sending its own cookies,
 * unless Sec-Fetch-Site says the browser made a cross-site request.
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (origin !== null ? !isAllowedOrigin(origin, request) : request.headers.get("sec-fetch-site") === "cross-site") {
    throw new AppError("forbidden:api", "Cross-site requests are not allowed.");
  }
}
