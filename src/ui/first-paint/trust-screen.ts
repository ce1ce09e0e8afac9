// Placeholder until first-paint/trust is merged.
import type { TrustQuestion } from '../ask.ts'

export function trustScreenFrame(_input: {
  readonly question: TrustQuestion
  readonly problemLine: string | null
  readonly columns: number
  readonly rows: number
}): string | null {
  return null
}
