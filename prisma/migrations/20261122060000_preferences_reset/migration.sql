-- AlterTable: "forget my preferences" deletes a user's ratings and compare votes and stamps this time;
-- implicit signals logged before it (router overrides in routing_decisions) stay in the log but leave the graph.
ALTER TABLE "users" ADD COLUMN "preferences_reset_at" TIMESTAMPTZ(3);
