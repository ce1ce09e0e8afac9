/** `file`: a file exists, contains a text or defines keys. The code is in ../file.ts. */
import type * as Zod from 'zod'
import { defineCheck } from '../kind.ts'
import { list, text, z } from '../params.ts'

const schema = () =>
  z
    .object({ path: text(), contains: z.string().min(1).optional(), keys: list(text()).optional() })
    .strict()

export type FileParams = Zod.output<ReturnType<typeof schema>>

export const file = defineCheck({
  kind: 'file',
  description: 'A file exists, contains a text, or (dotenv) defines the named keys',
  params: schema,
  example: 'check: file path=.env.api keys=DATABASE_URL,KAFKA_BROKERS',
  load: () => import('../file.ts').then((m) => m.checkFile),
})
