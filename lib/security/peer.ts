import { randomBytes } from "node:crypto";
import http from "node:http";
import type { TLSSocket } from "node:tls";
import proxyaddr from "proxy-addr";
import { env } from "@/lib/env";

/**
 * Who is on the other end of the TCP connection. Route handlers see only
 * headers, and Next.js fills X-Forwarded-For from the socket only when the
 * client did not send one, so a client could name any address. The server
 * process therefore stamps each incoming request with its socket's address
 * and scheme, under header names with a per-process random part that no
 * client can guess (installed once at start-up, lib/observability/startup.ts;
 * shared through globalThis because Next.js bundles this module more than once).
 */
type PeerHeaders = { address: string; proto: string };

const KEY = Symbol.for("switchboard.peer-headers");
const store = globalThis as unknown as { [KEY]?: PeerHeaders; [key: symbol]: unknown };

function peerHeaders(): PeerHeaders {
  const existing = store[KEY];
  if (existing) return existing;
  const tag = randomBytes(12).toString("hex");
  const created = { address: `x-switchboard-peer-${tag}`, proto: `x-switchboard-proto-${tag}` };
  store[KEY] = created;
  return created;
}

export function installPeerStamp(): void {
  const names = peerHeaders();
  const INSTALLED = Symbol.for("switchboard.peer-stamp-installed");
  if (store[INSTALLED]) return;
  store[INSTALLED] = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[names.address] = req.socket.remoteAddress ?? "";
      req.headers[names.proto] = (req.socket as TLSSocket).encrypted ? "https" : "http";
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}

const trust = proxyaddr.compile(env.TRUSTED_PROXIES);

function socketPeer(request: Request): { address: string; proto: string } | null {
  const names = peerHeaders();
  const address = request.headers.get(names.address);
  return address ? { address, proto: request.headers.get(names.proto) ?? "http" } : null;
}

/** Whether the request came straight from one of TRUSTED_PROXIES, so its X-Forwarded-* headers are the proxy's. */
export function fromTrustedProxy(request: Request): boolean {
  const peer = socketPeer(request);
  return peer !== null && trust(peer.address, 0);
}

/**
 * The client's address: the socket's peer, or, when that is a trusted proxy,
 * the right-most X-Forwarded-For entry that is not itself a trusted proxy.
 * "unknown" only for a request that reached no stamped server (never in `next start`).
 */
export function clientIp(request: Request): string {
  const peer = socketPeer(request);
  if (!peer) return "unknown";
  const forwarded = request.headers.get("x-forwarded-for") ?? undefined;
  return proxyaddr({ headers: { "x-forwarded-for": forwarded }, socket: { remoteAddress: peer.address } } as unknown as http.IncomingMessage, trust);
}

/**
 * The origin the client addressed: scheme and host of the socket (Host header),
 * or X-Forwarded-Proto / X-Forwarded-Host when a trusted proxy sent them.
 */
export function requestOrigin(request: Request): string | null {
  const peer = socketPeer(request);
  const trusted = peer !== null && trust(peer.address, 0);
  const first = (name: string) => request.headers.get(name)?.split(",")[0]?.trim() || null;
  const host = (trusted ? first("x-forwarded-host") : null) ?? request.headers.get("host");
  const proto = (trusted ? first("x-forwarded-proto") : null) ?? peer?.proto ?? "http";
  return host ? `${proto}://${host}` : null;
}
