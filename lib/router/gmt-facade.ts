import "server-only";
import { listEnabledModels } from "@/lib/db/queries/models";
import { GmtRouterFacade } from "@/router-core";
import { PrismaHistoryStore } from "./prisma-history-store";
import { invalidateUserVector, routeQuery, routerEmbeddingDim } from "./runtime";

/**
 * The GMTRouter/LLMRouter-compatible API (routeSingle, routeBatch,
 * updateUserFeedback) over the app's own router, database and enabled models,
 * so scripts and integrations see exactly what the chat sees.
 */
export async function createAppGmtFacade({ personalization = true }: { personalization?: boolean } = {}): Promise<GmtRouterFacade> {
  const models = await listEnabledModels();
  return new GmtRouterFacade({
    router: {
      route: (request) => routeQuery({ ...request, earlierUserMessages: request.earlierUserMessages ?? [] }),
      invalidateUser: invalidateUserVector,
    },
    store: new PrismaHistoryStore(await routerEmbeddingDim()),
    candidates: models.map((m) => ({ id: m.id, description: m.description })),
    personalization,
  });
}
