/** A padded batch of token sequences as the sentence encoder's ONNX graph reads it. */
export interface TokenBatch {
  /** [size, seq] row-major; positions past a row's length hold 0. */
  readonly tokenIds: BigInt64Array;
  /** [size] */
  readonly lengths: BigInt64Array;
  readonly size: number;
  /** Padded length, at least 1: onnxruntime mishandles some reductions over zero-size axes. */
  readonly seq: number;
}

export function padTokenBatch(sequences: readonly (readonly number[])[]): TokenBatch {
  const seq = Math.max(1, ...sequences.map((s) => s.length));
  const tokenIds = new BigInt64Array(sequences.length * seq);
  const lengths = new BigInt64Array(sequences.length);
  sequences.forEach((s, i) => {
    lengths[i] = BigInt(s.length);
    for (let j = 0; j < s.length; j++) tokenIds[i * seq + j] = BigInt(s[j]);
  });
  return { tokenIds, lengths, size: sequences.length, seq };
}

/**
 * Splits sequence indices into groups of similar length, each run as one padded batch. Every
 * padded position costs as much as a real token (the encoder is ~4.7M multiply-adds a
 * position), and texts of one batch can differ tenfold in length, so a group grows only while
 * its padded size stays within `maxPaddedShare` of its real tokens.
 */
export function groupBySimilarLength(lengths: readonly number[], maxPaddedShare = 0.25): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b]);
  const groups: number[][] = [];
  let group: number[] = [];
  let tokens = 0;
  for (const i of order) {
    const n = Math.max(1, lengths[i]);
    // ascending order: the newcomer sets the group's padded length
    if (group.length > 0 && (group.length + 1) * n > (1 + maxPaddedShare) * (tokens + n)) {
      groups.push(group);
      group = [];
      tokens = 0;
    }
    group.push(i);
    tokens += n;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
