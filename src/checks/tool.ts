import { z } from 'zod'
import { defineCheck } from './kind.ts'
import { semverRange, text } from './params.ts'

export const tool = defineCheck({
  kind: 'tool',
  description: 'A program is on PATH, with a version in a semver range',
  params: z
    .object({ name: text(), version: semverRange().optional(), args: text().optional() })
    .strict(),
  example: 'check: tool name=python3 version=">=3.11"',
})
