/**
 * Implicit signals that enter a user's graph besides explicit ratings, in the
 * contract's [0,1] rating scale. One place, so the trainer export and the live
 * history agree.
 */

/** A turn where the user overrode the router and did not rate the answer: a mild preference for the model they picked. */
export const OVERRIDE_RATING = 0.75;
