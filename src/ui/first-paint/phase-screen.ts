// Placeholder until first-paint/phase is merged.
import type { OpenedRun } from '../open-run.ts'

export function phaseScreenFrame(_input: {
  readonly opened: OpenedRun
  readonly notice: string | null
  readonly today: string
  readonly columns: number
  readonly rows: number
}): string | null {
  return null
}
