import { z } from 'zod'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, text } from '../params.ts'

export const secret = defineCheck({
  kind: 'secret',
  description:
    'Secrets Manager secret exists, is not scheduled for deletion, and rotates if asked; its value is never read',
  params: z
    .object({
      name: text(),
      rotation: bool().optional(),
      ...awsTarget,
    })
    .strict(),
  example: 'check: secret name=/alquimista/${env}/aurora/credentials',
})
