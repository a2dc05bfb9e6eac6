import { requireUser } from "@/lib/auth/require-user";
import { toErrorResponse } from "@/lib/errors";
import { exportUserData } from "@/lib/router/privacy";

/** The signed-in user's own data as a JSON download. */
export async function GET() {
  try {
    const user = await requireUser();
    const data = await exportUserData({ userId: user.id });
    const day = data.exportedAt.slice(0, 10);
    return new Response(JSON.stringify(data, null, 1), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="switchboard-data-${day}.json"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    return toErrorResponse(err);
  }
}
