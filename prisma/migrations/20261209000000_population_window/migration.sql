-- The population prior reloads everyone's newest signals (lib/router/population.ts) on every instance every refresh
-- period. It read all of them: 3.4-3.7 s of PostgreSQL per reload at a million ratings. It now reads a window, the
-- newest POPULATION_WINDOW signals, found through the times answer_signals() gives them: a rating's last change and a
-- vote's casting. Continuous retraining's check (lib/router/auto-retrain.ts: the signals since the last run, every
-- minute on every instance) counts through the same indexes: 0.8 ms where it scanned every rating, 142 ms at a million.
CREATE INDEX "ratings_updated_at_idx" ON "ratings"("updated_at");
CREATE INDEX "comparisons_voted_at_idx" ON "comparisons"("voted_at") WHERE "winner" IS NOT NULL;
