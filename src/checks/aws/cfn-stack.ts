import { z } from 'zod'
import { defineCheck } from '../kind.ts'
import { awsTarget, list, text } from '../params.ts'

export const cfnStack = defineCheck({
  kind: 'cfn.stack',
  description:
    'CloudFormation stack exists with a status in the allowed set; *_IN_PROGRESS is waited out; outputs become ${id.outputs.Key}',
  params: z
    .object({
      name: text(),
      status: list(text()).optional(),
      outputs: list(text()).optional(),
      ...awsTarget,
    })
    .strict(),
  example: 'check: cfn.stack name=SessionManagement-${env} status=CREATE_COMPLETE,UPDATE_COMPLETE',
})
