-- user_signals() reads a user's router overrides on every turn (the history fingerprint) and on every re-encode.
-- Through (user_id, created_at) it visited every routing decision the user ever had, to keep the few overrides:
-- a cost that grew with the user's turns, not with their signals. Overrides only:
CREATE INDEX "routing_decisions_user_overrides_idx" ON "routing_decisions"("user_id", "created_at") WHERE "override";
