/** `cfn.stack`: a CloudFormation stack is in a good state. The code that asks is in ../aws/cfn-stack.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, list, text, z } from '../params.ts'

const stackSchema = () =>
  z
    .object({
      name: text(),
      status: list(text()).optional(),
      outputs: list(text()).optional(),
      ...awsTarget(),
    })
    .strict()

export type StackParams = Zod.output<ReturnType<typeof stackSchema>>

export const cfnStack = defineCheck({
  kind: 'cfn.stack',
  description:
    'CloudFormation stack exists with a status in the allowed set; *_IN_PROGRESS is waited out; outputs become ${id.outputs.Key}',
  params: stackSchema,
  example: 'check: cfn.stack name=SessionManagement-${env} status=CREATE_COMPLETE,UPDATE_COMPLETE',
  // Stack updates take minutes; the check waits them out.
  defaultTimeoutMs: 10 * 60_000,
  service: (p, { env }) => awsService('cloudformation', p, env),
  // DescribeStackEvents only names the first failed resource: optional.
  iam: () => ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents'],
  load: () => import('../aws/cfn-stack.ts').then((m) => m.checkStack),
})
