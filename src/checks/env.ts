import { z } from 'zod'
import { defineCheck } from './kind.ts'
import { integer, list, regex, text } from './params.ts'

export const envVar = defineCheck({
  kind: 'env',
  description:
    'An environment variable (or a key of a dotenv file) is set, long enough, not a default, without forbidden text; its value is never shown',
  params: z
    .object({
      name: text(),
      file: text().optional(),
      'min-length': integer(1).optional(),
      not: list(z.string()).optional(),
      'not-contains': z.string().min(1).optional(),
      matches: regex().optional(),
      equals: z.string().optional(),
    })
    .strict(),
  example: 'check: env name=JWT_SECRET file=.env.api min-length=32 not=changeme',
})
