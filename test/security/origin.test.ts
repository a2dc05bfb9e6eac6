import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/security/origin";

const post = (headers: Record<string, string>) => new Request("http://app.test/api/sessions", { method: "POST", headers: { host: "app.test", ...headers } });

describe("assertSameOrigin", () => {
  it("accepts same-origin requests and clients that send no Origin", () => {
    expect(() => assertSameOrigin(post({ origin: "http://app.test" }))).not.toThrow();
    expect(() => assertSameOrigin(post({}))).not.toThrow();
  });

  it("refuses a foreign, null or garbage Origin and cross-site fetches with 403", () => {
    const foreign: Record<string, string>[] = [
      // The scheme counts: an http:// page is another origin than the app, and vice versa.
      { origin: "https://app.test" },
      // X-Forwarded-Host counts only from a trusted proxy (test/security/peer.test.ts), never from the client.
      { origin: "https://chat.example", "x-forwarded-host": "chat.example", "x-forwarded-proto": "https" },
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: "::" },
      { "sec-fetch-site": "cross-site" },
      { origin: "http://app.test.evil.example" },
    ];
    for (const headers of foreign) {
      let thrown: unknown;
      try {
        assertSameOrigin(post(headers));
      } catch (err) {
        thrown = err;
      }
      expect(thrown, JSON.stringify(headers)).toBeInstanceOf(AppError);
      expect((thrown as AppError).status).toBe(403);
    }
  });
});
