/**
 * A small seeded generator (a linear congruential one), for tests that generate their inputs:
 * the same seed gives the same inputs, so a failure is found again.
 */
export function seededRandom(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}
