-- Admin hints: example requests a model is for; the router's population prior reads them while the model has few ratings.
ALTER TABLE "llm_models" ADD COLUMN "examples" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

-- What decided a routing decision: router | personal | population | hints | exploration | fallback.
ALTER TABLE "routing_decisions" ADD COLUMN "basis" TEXT NOT NULL DEFAULT 'router';
UPDATE "routing_decisions" SET "basis" = CASE WHEN "fallback" THEN 'fallback' WHEN "ratings_used" > 0 THEN 'personal' ELSE 'router' END;

-- A run's options and what started it, stored so that a trainer service (ROUTER_TRAINER=service) can run a queued run.
ALTER TABLE "training_runs" ADD COLUMN "options" JSONB;
ALTER TABLE "training_runs" ADD COLUMN "trigger" JSONB;
