-- Admin dashboard indexes. Most are covering indexes, so the dashboard's
-- aggregates over a date window read only the index (index-only scans).

-- Windowed turn aggregates: activity, spend, health, cost saved, and the
-- turn side of rating joins.
CREATE INDEX "turns_admin_window_idx" ON "turns"("role", "created_at", "model_id", "status", "prompt_tokens", "completion_tokens", "latency_ms", "ttft_ms", "id");

-- Users table sorted by turns or spend.
CREATE INDEX "turns_admin_user_idx" ON "turns"("user_id", "role", "model_id", "prompt_tokens", "completion_tokens");

-- Ratings of a window's turns (ratings are created after their turn).
CREATE INDEX "ratings_admin_window_idx" ON "ratings"("created_at", "turn_id", "value", "stars", "thumbs_up");

-- Routing latency percentiles per version/provider, and routed-turn joins.
CREATE INDEX "routing_decisions_admin_window_idx" ON "routing_decisions"("created_at", "router_version", "execution_provider", "total_ms", "turn_id", "override", "fallback");

-- Decisions per router version, and each version's no-ratings baseline model.
CREATE INDEX "routing_decisions_admin_version_idx" ON "routing_decisions"("router_version", "ratings_used", "chosen_model_id", "override", "fallback");

-- Decision log filtered by model, and the population's model mix.
CREATE INDEX "routing_decisions_chosen_model_id_created_at_idx" ON "routing_decisions"("chosen_model_id", "created_at");
