import "server-only";
import { prisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getRouterState, reloadActiveRouter } from "@/lib/router/runtime";

/** The id that names the model shipped in ROUTER_MODEL_DIR: activating it clears every active flag. */
export const DEFAULT_VERSION_ID = "default";

export type RouterVersionSummary = { id: string; path: string; active: boolean; createdAt: Date; activatedAt: Date | null; metrics: Prisma.JsonValue };

const summaryFields = { id: true, path: true, active: true, createdAt: true, activatedAt: true, metrics: true } as const;

export function listRouterVersions(): Promise<RouterVersionSummary[]> {
  return prisma.routerVersion.findMany({ select: summaryFields, orderBy: { createdAt: "desc" } });
}

export function registerRouterVersion({
  id,
  path,
  manifest,
  metrics,
}: {
  id: string;
  path: string;
  manifest: Prisma.InputJsonValue;
  metrics: Prisma.InputJsonValue;
}) {
  return prisma.routerVersion.create({ data: { id, path, manifest, metrics }, select: summaryFields });
}

/**
 * Makes `id` the one active version in one transaction (the partial unique
 * index allows at most one), then swaps the router in this process; other
 * instances follow within ROUTER_VERSION_CHECK_MS. Rolling back is activating
 * an earlier version, or DEFAULT_VERSION_ID for the shipped model.
 */
export async function activateRouterVersion({ id }: { id: string }): Promise<RouterVersionSummary | null> {
  const version = await prisma.$transaction(async (tx) => {
    if (id === DEFAULT_VERSION_ID) {
      await tx.routerVersion.updateMany({ where: { active: true }, data: { active: false } });
      return null;
    }
    const exists = await tx.routerVersion.findUnique({ where: { id }, select: { id: true } });
    if (!exists) throw new AppError("not_found:router", `Router version ${id} not found.`);
    await tx.routerVersion.updateMany({ where: { active: true, NOT: { id } }, data: { active: false } });
    return tx.routerVersion.update({ where: { id }, data: { active: true, activatedAt: new Date() }, select: summaryFields });
  });
  await swapTo(version?.path ?? env.ROUTER_MODEL_DIR);
  return version;
}

/**
 * reloadActiveRouter() joins a version check already in flight, which may have
 * read the active row before this commit; reload until this instance serves `modelDir`.
 */
async function swapTo(modelDir: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await reloadActiveRouter();
    if (getRouterState().modelDir === modelDir) return;
  }
}
