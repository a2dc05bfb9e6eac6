/** What a JSON request from the browser came to: the response body, or a message to show the user. */
export type Sent = { ok: true; json: unknown } | { ok: false; error: string };

/**
 * Sends `body` as JSON. Every failure becomes a message: the app's own error text for an HTTP error, and a
 * plain sentence when the server could not be reached (fetch rejects then; an unhandled rejection would
 * leave the button looking as if nothing happened).
 */
export async function sendJson(method: "POST" | "PATCH" | "DELETE", url: string, body: unknown): Promise<Sent> {
  let response: Response;
  try {
    response = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    return { ok: false, error: "Could not reach the server. Check the connection and try again." };
  }
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, json };
  const message = (json as { error?: unknown } | null)?.error;
  return { ok: false, error: typeof message === "string" ? message : `Request failed (${response.status}).` };
}
