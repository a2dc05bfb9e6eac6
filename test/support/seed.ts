import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db/client";

/** Small, explicit fixtures written through Prisma, for integration tests. */
export async function seedUser(label: string): Promise<string> {
  const user = await prisma.user.create({ data: { email: `${label}-${randomUUID().slice(0, 8)}@example.test`, role: "user" } });
  return user.id;
}

export async function seedModels(models: readonly { id: string; description: string }[]) {
  for (const m of models) {
    await prisma.llmModel.upsert({
      where: { id: m.id },
      create: { id: m.id, displayName: m.id, baseUrl: "http://127.0.0.1:9/v1", providerModelId: m.id, description: m.description },
      update: { description: m.description, enabled: true },
    });
  }
}

/** One question answered by `modelId` in a new chat; returns the assistant turn id (not yet rated). */
export async function seedAnswer({ userId, question, modelId }: { userId: string; question: string; modelId: string }): Promise<string> {
  const session = await prisma.chatSession.create({ data: { userId, title: question.slice(0, 40) } });
  const query = await prisma.turn.create({ data: { chatSessionId: session.id, userId, position: 0, role: "user", content: question } });
  const answer = await prisma.turn.create({
    data: {
      chatSessionId: session.id,
      userId,
      position: 1,
      role: "assistant",
      content: `answer by ${modelId}`,
      parentId: query.id,
      modelId,
      status: "completed",
    },
  });
  return answer.id;
}

/**
 * Enables only `ids`, each answered by the demo LLM at `baseUrl` under its own name, so that only they compete
 * in a file's routing decisions. Returns how to enable again what was enabled before.
 */
export async function enableOnlyDemoModels(baseUrl: string, ids: readonly string[]): Promise<() => Promise<void>> {
  const before = (await prisma.llmModel.findMany({ where: { enabled: true }, select: { id: true } })).map((m) => m.id);
  await prisma.llmModel.updateMany({ data: { enabled: false } });
  for (const id of ids) {
    await prisma.llmModel.upsert({
      where: { id },
      create: { id, displayName: id, baseUrl, providerModelId: id, description: `demo model ${id}` },
      update: { baseUrl, providerModelId: id, enabled: true },
    });
  }
  return async () => {
    await prisma.llmModel.updateMany({ data: { enabled: false } });
    await prisma.llmModel.updateMany({ where: { id: { in: before } }, data: { enabled: true } });
  };
}
