import { z } from 'zod'
import { defineCheck } from './kind.ts'
import { list, text } from './params.ts'

export const file = defineCheck({
  kind: 'file',
  description: 'A file exists, contains a text, or (dotenv) defines the named keys',
  params: z
    .object({ path: text(), contains: z.string().min(1).optional(), keys: list(text()).optional() })
    .strict(),
  example: 'check: file path=.env.api keys=DATABASE_URL,KAFKA_BROKERS',
})
