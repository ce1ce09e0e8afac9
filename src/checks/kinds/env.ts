/** `env`: a variable (or dotenv key) is set and fit for use. The code is in ../env.ts. */
import type * as Zod from 'zod'
import { type CredentialShape, defineCheck } from '../kind.ts'
import { integer, list, regex, text, z } from '../params.ts'
import { isSecretVariable } from '../redact.ts'

const schema = () =>
  z
    .object({
      name: text(),
      file: text().optional(),
      'min-length': integer(1).optional(),
      not: list(z.string()).optional(),
      'not-contains': z.string().min(1).optional(),
      matches: regex().optional(),
      equals: z.string().optional(),
    })
    .strict()

export type EnvParams = Zod.output<ReturnType<typeof schema>>

export const envVar = defineCheck({
  kind: 'env',
  description:
    'An environment variable (or a key of a dotenv file) is set, long enough, not a default, without forbidden text; its value is never shown',
  params: schema,
  example: 'check: env name=JWT_SECRET file=.env.api min-length=32 not=changeme',
  // The value a secret variable must equal is that secret.
  credentials: (params): Readonly<Record<string, CredentialShape>> =>
    isSecretVariable(params.name ?? '', undefined) ? { equals: 'whole' } : {},
  load: () => import('../env.ts').then((m) => m.checkEnv),
})
