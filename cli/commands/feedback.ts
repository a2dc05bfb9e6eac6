import type { Command } from "commander";
import { userFrom } from "../lookup";
import { CliError, numberBetween } from "../options";

type FeedbackOptions = { user: string; query: string; model: string; rating: number; response?: string };

export function registerFeedback(program: Command): void {
  program
    .command("feedback")
    .summary("record a user's 0-5 rating of a model's answer")
    .description("record a user's 0-5 rating of a model's answer to a query, exactly like an in-app rating (their next routing decision sees it)")
    .requiredOption("--user <email>", "the user who rates")
    .requiredOption("--query <text>", "the query that was answered")
    .requiredOption("--model <id>", "the enabled model that answered")
    .requiredOption("--rating <0-5>", "the rating, 0 (worst) to 5 (best); stored as rating / 5", numberBetween(0, 5))
    .option("--response <text>", "the answer that was rated")
    .addHelpText("after", '\nExample:\n  npx switchboard feedback --user alice@example.com --query "Sort a list in Go" --model demo-coder --rating 5')
    .action(async (opts: FeedbackOptions) => {
      const user = await userFrom("--user", opts.user);
      if (opts.query.trim() === "") throw new CliError("--query: must not be empty");
      const { listEnabledModels } = await import("@/lib/db/queries/models");
      const enabled = (await listEnabledModels()).map((m) => m.id);
      if (!enabled.includes(opts.model)) throw new CliError(`--model: "${opts.model}" is not an enabled model (enabled: ${enabled.join(", ") || "none"})`);
      const { createAppGmtFacade } = await import("@/lib/router/gmt-facade");
      const facade = await createAppGmtFacade();
      await facade.updateUserFeedback({ user_id: user.id, query: opts.query, model: opts.model, rating: opts.rating, response: opts.response });
      console.log(`recorded rating ${opts.rating}/5 for ${opts.model} from ${user.email}`);
    });
}
