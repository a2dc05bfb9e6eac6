/**
 * The one place that maps user signals to the rating r in [0,1] a response node carries
 * (contract.json "rating"). Every caller (in-app ratings, updateUserFeedback, imports) uses these.
 */
import { CONTRACT } from "./contract";
import { InvalidInputError } from "./errors";

export type Thumbs = "up" | "down";
export type PairwiseOutcome = "winner" | "loser" | "tie";

function checkRange(field: string, value: number, min: number, max: number, integer: boolean): void {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new InvalidInputError({ field, message: `expected ${integer ? "an integer" : "a number"} in [${min}, ${max}], got ${value}` });
  }
}

/** Stars 1..5 -> (s - 1) / 4. */
export function ratingFromStars(stars: number): number {
  checkRange("stars", stars, 1, 5, true);
  return (stars - 1) / 4;
}

/** Thumbs up -> 1, down -> 0. */
export function ratingFromThumbs(thumbs: Thumbs): number {
  if (thumbs !== "up" && thumbs !== "down") throw new InvalidInputError({ field: "thumbs", message: `expected "up" or "down", got ${String(thumbs)}` });
  return CONTRACT.rating.thumbs[thumbs];
}

/** Feedback on the 0..5 scale of updateUserFeedback -> r / 5 (fractions allowed). */
export function ratingFromFeedback0to5(rating: number): number {
  checkRange("rating", rating, 0, 5, false);
  return rating / 5;
}

/** One side of a pairwise comparison: winner 1, loser 0, tie 0.5. */
export function ratingFromPairwise(outcome: PairwiseOutcome): number {
  const value = CONTRACT.rating.pairwise[outcome];
  if (value === undefined) throw new InvalidInputError({ field: "pairwise", message: `unknown outcome ${String(outcome)}` });
  return value;
}

/** A rating as the app may store it; stars win when both stars and thumbs are present. */
export interface RatingSignal {
  readonly stars?: number | null;
  readonly thumbs?: Thumbs | null;
}

/** Maps a stored signal to r, or null when it carries neither stars nor thumbs (not a rated turn). */
export function ratingFromSignal(signal: RatingSignal): number | null {
  if (signal.stars !== undefined && signal.stars !== null) return ratingFromStars(signal.stars);
  if (signal.thumbs !== undefined && signal.thumbs !== null) return ratingFromThumbs(signal.thumbs);
  return null;
}

/** Throws unless r is a finite number inside the contract's range. */
export function assertNormalizedRating(r: number, field = "rating"): void {
  const [min, max] = CONTRACT.rating.range;
  checkRange(field, r, min, max, false);
}
