/** The median of a set of timings or sizes, with its spread. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many values were summarized. */
  readonly runs: number;
}

/**
 * Median, minimum and maximum of `values`. An even count takes the mean of the two middle
 * values, so one slow run out of four cannot pass for the typical one.
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) {
    throw new Error("summarize: no values (was the figure measured at least once?)");
  }
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) {
    throw new Error(`summarize: ${bad} is not a finite number`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}
