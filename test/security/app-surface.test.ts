import { describe, expect, it } from "vitest";
import { bodyReadingMethods, exportedMethods, listRouteHandlers, listServerActions, routeKey } from "./app-surface";

describe("app surface enumeration", () => {
  it("finds route handlers with their URL patterns and methods", () => {
    const keys = listRouteHandlers().flatMap((r) => r.methods.map((m) => routeKey(m, r.pattern)));
    expect(keys).toEqual(
      expect.arrayContaining(["POST /api/chat", "GET /api/sessions/[id]", "DELETE /api/sessions/[id]", "GET /api/auth/[...nextauth]", "POST /api/register"]),
    );
    for (const route of listRouteHandlers()) expect(route.methods.length, route.file).toBeGreaterThan(0);
  });

  it("reads every export style Next.js accepts", () => {
    expect(exportedMethods("export async function GET() {}\nexport function POST() {}")).toEqual(["GET", "POST"]);
    expect(exportedMethods("export const { GET, POST } = handlers;")).toEqual(["GET", "POST"]);
    expect(exportedMethods("export const PATCH = wrap(x);\nexport { handler as DELETE };")).toEqual(["PATCH", "DELETE"]);
  });

  it("tells which handlers read a body", () => {
    const source =
      "export async function GET() { return x; }\nexport async function PATCH(request: Request) { await parseJsonBody(request, s); }\nexport async function DELETE() {}";
    expect(bodyReadingMethods(source)).toEqual(["PATCH"]);
    expect(bodyReadingMethods("export const { GET, POST } = handlers;")).toEqual(["GET", "POST"]);
  });

  it("finds server actions, file-level and inline", () => {
    expect(listServerActions()).toEqual(expect.arrayContaining([{ file: "lib/auth/logout-action.ts", name: "logout" }]));
  });
});
