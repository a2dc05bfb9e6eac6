import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { listRouteHandlers, methodSources, routeKey } from "./app-surface";

/**
 * The CSRF policy, enforced on the source: every state-changing handler that
 * a browser's cookies could authorize calls assertSameOrigin(request) first.
 */
const STATE_CHANGING = ["POST", "PUT", "PATCH", "DELETE"];

/** next-auth checks its own CSRF token; the OpenAI-compatible API authenticates with bearer keys, never cookies. */
const EXEMPT = [/^\/api\/auth\//, /^\/v1\//];

describe("Origin check coverage", () => {
  it("every cookie-authorized POST, PUT, PATCH and DELETE handler calls assertSameOrigin before anything else", () => {
    const missing: string[] = [];
    for (const route of listRouteHandlers()) {
      if (EXEMPT.some((re) => re.test(route.pattern))) continue;
      const own = methodSources(readFileSync(route.file, "utf8"));
      for (const method of route.methods.filter((m) => STATE_CHANGING.includes(m))) {
        const body = own.get(method) ?? "";
        const firstStatement = /try\s*\{\s*([^;]+);/.exec(body)?.[1] ?? "";
        if (!/^assertSameOrigin\(request\)$/.test(firstStatement.trim())) missing.push(routeKey(method, route.pattern));
      }
    }
    expect(missing).toEqual([]);
  });
});
