import { Command } from "commander";
import { registerDb } from "./commands/db";
import { registerExport } from "./commands/export";
import { registerFeedback } from "./commands/feedback";
import { registerModels } from "./commands/models";
import { registerRetrain } from "./commands/retrain";
import { registerRoute } from "./commands/route";
import { registerTraining } from "./commands/training";
import { registerUp } from "./commands/up";
import { registerUsers } from "./commands/users";

/**
 * The command tree. Commands load the app's modules only when they run, so `--help` answers at once.
 * Settings made here before `.command()` (exit override, help after errors) are inherited by every subcommand.
 */
export function buildProgram(): Command {
  const program = new Command("switchboard")
    .description("Switchboard: self-hosted chat that routes every turn to the LLM that suits the user (GMTRouter).")
    .usage("<command> [options]")
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    .addHelpText(
      "after",
      `
Exit codes: 0 success, 1 the work failed, 2 bad usage or input (the message names the flag).
Settings come from the environment and .env (see README.md); logs go to stderr.`,
    );
  registerUp(program);
  registerRoute(program);
  registerFeedback(program);
  registerExport(program);
  registerTraining(program);
  registerRetrain(program);
  registerUsers(program);
  registerModels(program);
  registerDb(program);
  return program;
}
