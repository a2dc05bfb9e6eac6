import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The enabled models a turn reads come from this process's last read while the catalog's version has not moved; the
 * version (a trigger on llm_models, in the writing transaction) must move with every change another instance or an
 * admin's psql can make, or this instance keeps serving a model that was disabled, and must not move with
 * `switchboard models sync` rewriting the same wiring at every start, or every start re-reads and re-encodes.
 */
type Lib = {
  prisma: typeof import("@/lib/db/client").prisma;
  models: typeof import("@/lib/db/queries/models");
  readRoutingStamps: typeof import("@/lib/router/prisma-history-store").readRoutingStamps;
};
let lib: Lib;
let userId: string;

beforeAll(async () => {
  const [{ prisma }, models, { readRoutingStamps }, { seedUser }] = await Promise.all([
    import("@/lib/db/client"),
    import("@/lib/db/queries/models"),
    import("@/lib/router/prisma-history-store"),
    import("../../support/seed"),
  ]);
  lib = { prisma, models, readRoutingStamps };
  userId = await seedUser("catalog");
});
afterAll(() => lib?.prisma.$disconnect());

const catalog = async () => (await lib.readRoutingStamps(userId)).catalog;
const wiring = { baseUrl: "http://127.0.0.1:9/v1", providerModelId: "catalog-a" };

describe("the catalog's version", () => {
  it("moves with every change to a model, and not with a rewrite of the same values", async () => {
    let previous = await catalog();
    const expectMoved = async (change: string, moved = true) => {
      const next = await catalog();
      if (moved) expect(next, change).not.toBe(previous);
      else expect(next, change).toBe(previous);
      previous = next;
    };
    await lib.prisma.llmModel.create({ data: { id: "catalog-a", displayName: "A", description: "model a", ...wiring } });
    await expectMoved("a new model");
    await lib.prisma.llmModel.update({ where: { id: "catalog-a" }, data: { description: "model a, described anew" } });
    await expectMoved("a description");
    await lib.prisma.llmModel.update({ where: { id: "catalog-a" }, data: { examples: ["an example request"] } });
    await expectMoved("an admin hint");
    await lib.prisma.$executeRaw`UPDATE llm_models SET enabled = false WHERE id = 'catalog-a'`;
    await expectMoved("disabled in SQL, without the app");
    const fromFile = {
      id: "catalog-a",
      displayName: "A",
      description: "model a, described anew",
      examples: [],
      inputPricePerM: 0,
      outputPricePerM: 0,
      enabled: true,
    };
    await lib.models.seedModels({ models: [{ ...fromFile, ...wiring }] });
    await expectMoved("models sync rewriting the same wiring", false);
    await lib.prisma.llmModel.update({ where: { id: "catalog-a" }, data: { baseUrl: "http://127.0.0.1:10/v1" } });
    await expectMoved("an endpoint");
    await lib.prisma.llmModel.delete({ where: { id: "catalog-a" } });
    await expectMoved("a removed model");
  });
});

describe("enabledModelsAt", () => {
  it("serves this process's last read while the version stands, and reads again once it moved", async () => {
    const before = await catalog();
    const first = await lib.models.enabledModelsAt(before);
    expect(await lib.models.enabledModelsAt(before)).toBe(first); // the same list: no statement
    expect(lib.models.lastReadEnabledModels()).toBe(first);

    await lib.prisma.llmModel.create({ data: { id: "catalog-b", displayName: "B", description: "model b", ...wiring, providerModelId: "catalog-b" } });
    const after = await catalog();
    const fresh = await lib.models.enabledModelsAt(after);
    expect(fresh.map((m) => m.id)).toContain("catalog-b");
    expect(first.map((m) => m.id)).not.toContain("catalog-b");

    await lib.prisma.$executeRaw`UPDATE llm_models SET enabled = false WHERE id = 'catalog-b'`;
    expect((await lib.models.enabledModelsAt(await catalog())).map((m) => m.id)).not.toContain("catalog-b");
    await lib.prisma.llmModel.delete({ where: { id: "catalog-b" } });
  });
});
