import type { z } from 'zod'

/**
 * A check kind is data: its name, what it verifies, and the schema of its
 * parameters. The runner looks kinds up by name in `registry.ts`.
 */
export interface CheckKind<Params = unknown> {
  readonly kind: string
  /** One line for `--help`, the README and `plan`. */
  readonly description: string
  readonly params: z.ZodObject<z.ZodRawShape, z.core.$strict> & z.ZodType<Params>
  /** A directive that uses the kind, for hints and docs. */
  readonly example: string
}

export function defineCheck<Shape extends z.ZodRawShape>(definition: {
  kind: string
  description: string
  params: z.ZodObject<Shape, z.core.$strict>
  example: string
}): CheckKind<z.output<z.ZodObject<Shape, z.core.$strict>>> {
  return definition as unknown as CheckKind<z.output<z.ZodObject<Shape, z.core.$strict>>>
}
