/**
 * Pairwise precision and recall of merges against a ground truth: a pair of records is a true
 * merge when both belong to the same machine. Used by the correlation test and the benchmarks.
 */
export interface MergeScores {
  precision: number;
  recall: number;
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
}

/** `predicted` and `truth` are lists of groups of record keys. */
export function pairwiseScores(
  predicted: readonly (readonly string[])[],
  truth: readonly (readonly string[])[],
): MergeScores {
  const machineOf = new Map<string, number>();
  truth.forEach((group, i) => {
    for (const key of group) machineOf.set(key, i);
  });
  const pairs = (n: number): number => (n * (n - 1)) / 2;
  const truePairs = truth.reduce((sum, g) => sum + pairs(g.length), 0);
  let predictedPairs = 0;
  let correctPairs = 0;
  for (const group of predicted) {
    predictedPairs += pairs(group.length);
    const perMachine = new Map<number | undefined, number>();
    for (const key of group) {
      const m = machineOf.get(key);
      perMachine.set(m, (perMachine.get(m) ?? 0) + 1);
    }
    for (const [machine, count] of perMachine)
      if (machine !== undefined) correctPairs += pairs(count);
  }
  return {
    precision: predictedPairs === 0 ? 1 : correctPairs / predictedPairs,
    recall: truePairs === 0 ? 1 : correctPairs / truePairs,
    truePairs,
    predictedPairs,
    correctPairs,
  };
}
