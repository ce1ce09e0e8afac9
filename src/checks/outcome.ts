/**
 * Outcome helpers, so checks read as what they conclude. Their own module so
 * that what kind.ts imports (clients, AWS errors) can use them without a cycle.
 */
import type { CheckOutcome } from './runner.ts'

export const pass = (summary: string, extra: Omit<CheckOutcome, 'status' | 'summary'> = {}) =>
  ({ status: 'pass', summary, ...extra }) as const satisfies CheckOutcome
export const fail = (summary: string, extra: Omit<CheckOutcome, 'status' | 'summary'> = {}) =>
  ({ status: 'fail', summary, ...extra }) as const satisfies CheckOutcome
export const error = (summary: string, extra: Omit<CheckOutcome, 'status' | 'summary'> = {}) =>
  ({ status: 'error', summary, ...extra }) as const satisfies CheckOutcome
