/** Optional reason chips a user can add to a rating; shared by the rating bar and the ratings API. */
export const RATING_REASONS = ["too long", "too short", "wrong", "unclear", "great style", "helpful", "good code"] as const;

export type RatingReason = (typeof RATING_REASONS)[number];
