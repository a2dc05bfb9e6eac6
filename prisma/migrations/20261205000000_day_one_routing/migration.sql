-- Admin hints: example requests a model is for; the router's population prior reads them while the model has few ratings.
ALTER TABLE "llm_models" ADD COLUMN "examples" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

-- What decided a routing decision: router | personal | population | hints | exploration | fallback.
ALTER TABLE "routing_decisions" ADD COLUMN "basis" TEXT NOT NULL DEFAULT 'router';
UPDATE "routing_decisions" SET "basis" = CASE WHEN "fallback" THEN 'fallback' WHEN "ratings_used" > 0 THEN 'personal' ELSE 'router' END;
