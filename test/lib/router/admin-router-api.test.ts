import { beforeAll, describe, expect, it, vi } from "vitest";

await vi.hoisted(async () => (await import("./router-env")).routerTestEnv());

/** The signed-in user of the next request; the real requireUser/requireAdmin run on top of it. */
const signedIn = vi.hoisted(() => ({ user: null as { id: string; email: string; role: "user" | "admin" } | null }));
vi.mock("@/lib/auth/index", () => ({ auth: async () => (signedIn.user ? { user: signedIn.user } : null) }));

import { POST as retrain } from "@/app/(admin)/api/admin/router/retrain/route";
import { GET as getRun } from "@/app/(admin)/api/admin/router/runs/[id]/route";
import { POST as activate } from "@/app/(admin)/api/admin/router/versions/[id]/activate/route";
import { GET as listVersions } from "@/app/(admin)/api/admin/router/versions/route";
import { prisma } from "@/lib/db/client";
import { createUser } from "./seed";

const post = (body: unknown) =>
  new Request("http://localhost/api", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

let admin: { id: string; email: string; role: "admin" };
let member: { id: string; email: string; role: "user" };

beforeAll(async () => {
  admin = { id: await createUser("admin"), email: "admin@example.com", role: "admin" };
  member = { id: await createUser("member"), email: "member@example.com", role: "user" };
});

describe("admin router API", () => {
  const calls: [string, () => Promise<Response>][] = [
    ["POST retrain", () => retrain(post({ preset: "tiny" }))],
    ["GET run", () => getRun(new Request("http://localhost/api"), params("00000000-0000-0000-0000-000000000001"))],
    ["GET versions", () => listVersions()],
    ["POST activate", () => activate(post({}), params("default"))],
  ];

  it.each(calls)("%s: 401 signed out, 403 for a non-admin", async (_name, call) => {
    signedIn.user = null;
    expect((await call()).status).toBe(401);
    signedIn.user = member;
    const res = await call();
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "forbidden:admin" });
  });

  it("answers 409 to a retrain while another run is in progress, and shows that run", async () => {
    signedIn.user = admin;
    const [running] = await prisma.$queryRaw<
      { id: string }[]
    >`INSERT INTO training_runs (id, status, stage) VALUES (gen_random_uuid(), 'running', 'train') RETURNING id::text`;
    const res = await retrain(post({ preset: "tiny" }));
    expect(res.status).toBe(409);
    expect((await res.json()).error).toContain(running.id);
    const run = await getRun(new Request("http://localhost/api"), params(running.id));
    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({ run: { id: running.id, status: "running", stage: "train" } });
    await prisma.trainingRun.update({ where: { id: running.id }, data: { status: "failed" } });
  });

  it("answers 404 for an unknown version or run, 400 for a bad body", async () => {
    signedIn.user = admin;
    expect((await activate(post({}), params("no-such-version"))).status).toBe(404);
    expect((await activate(post({}), params("../etc"))).status).toBe(404);
    expect((await getRun(new Request("http://localhost/api"), params("not-a-uuid"))).status).toBe(404);
    expect((await getRun(new Request("http://localhost/api"), params("00000000-0000-0000-0000-000000000001"))).status).toBe(404);
    expect((await retrain(post({ preset: "huge" }))).status).toBe(400);
  });

  it("activates the shipped default and lists versions", async () => {
    signedIn.user = admin;
    const res = await activate(post({}), params("default"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ version: null, serving: { status: "ready", modelDir: "test/fixtures/tiny-model" } });
    expect((await listVersions()).status).toBe(200);
  });
});
