import { z } from 'zod'
import { defineCheck } from './kind.ts'
import { list, port, text } from './params.ts'

export const tcp = defineCheck({
  kind: 'tcp',
  description: 'A TCP port accepts connections',
  params: z.object({ host: text(), port: port() }).strict(),
  example: 'check: tcp host=localhost port=9092',
})

export const portFree = defineCheck({
  kind: 'port',
  description: 'Local ports are free to listen on',
  params: z.object({ port: list(port()), host: text().optional() }).strict(),
  example: 'check: port port=8000,5432,9092',
})
