import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";

/**
 * The client's address and origin as route handlers see them, through a real
 * HTTP server with the start-up stamp installed: forwarded headers count only
 * when the socket's peer is one of TRUSTED_PROXIES.
 */
type Seen = { ip: string; origin: string | null };

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  delete process.env.TRUSTED_PROXIES;
});

async function serve(trustedProxies: string): Promise<(headers: Record<string, string>) => Promise<Seen>> {
  vi.resetModules();
  process.env.TRUSTED_PROXIES = trustedProxies;
  const peer = await import("@/lib/security/peer");
  peer.installPeerStamp();
  const server = http.createServer((req, res) => {
    const request = new Request(`http://${req.headers.host}${req.url}`, { headers: req.headers as Record<string, string> });
    res.end(JSON.stringify({ ip: peer.clientIp(request), origin: peer.requestOrigin(request) }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (headers) => (await fetch(url, { headers })).json() as Promise<Seen>;
}

describe("client address and origin", () => {
  it("without trusted proxies, ignores X-Forwarded-For, -Host and -Proto: a client cannot pick its rate-limit bucket or origin", async () => {
    const ask = await serve("");
    const plain = await ask({});
    expect(plain.ip).toBe("127.0.0.1");
    const forged = await ask({
      "x-forwarded-for": "203.0.113.9",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      "x-switchboard-peer": "198.51.100.7",
    });
    expect(forged).toEqual(plain);
    expect(forged.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("behind a trusted proxy, takes the right-most untrusted X-Forwarded-For entry and the forwarded origin", async () => {
    const ask = await serve("loopback");
    expect((await ask({ "x-forwarded-for": "203.0.113.9, 198.51.100.2" })).ip).toBe("198.51.100.2");
    expect((await ask({ "x-forwarded-for": "203.0.113.9, 127.0.0.1" })).ip).toBe("203.0.113.9");
    expect((await ask({})).ip).toBe("127.0.0.1");
    expect((await ask({ "x-forwarded-host": "chat.example", "x-forwarded-proto": "https" })).origin).toBe("https://chat.example");
  });

  it("a proxy outside TRUSTED_PROXIES is not believed", async () => {
    const ask = await serve("10.0.0.0/8");
    expect((await ask({ "x-forwarded-for": "203.0.113.9" })).ip).toBe("127.0.0.1");
  });

  it("a request that no stamped server received has no known address", async () => {
    vi.resetModules();
    const peer = await import("@/lib/security/peer");
    expect(peer.clientIp(new Request("http://app.test/", { headers: { "x-forwarded-for": "203.0.113.9" } }))).toBe("unknown");
  });
});
