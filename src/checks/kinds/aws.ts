/**
 * `aws`: any read-only AWS CLI command as operators already write it, called
 * through the SDK, with the CLI's JMESPath `--query` and an expectation. The
 * call is read here from its text (aws/cli-call.ts, one of the rule libraries:
 * see ../rules.ts), so `validate` refuses what is not a read of an included
 * service without loading the SDK; the code that calls it is in ../aws/call.ts.
 */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, regex, text, z } from '../params.ts'
import { ruleLibraries } from '../rules.ts'

/** `count=3`, `count=>=3`: how many items a list holds. */
export interface CountExpectation {
  readonly op: '=' | '>=' | '<=' | '>' | '<'
  readonly n: number
}

const number = () =>
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a number, such as 3 or 0.5')
    .transform(Number)

const count = () =>
  z.string().transform((v, ctx): CountExpectation => {
    const match = /^\s*(>=|<=|>|<|=)?\s*(\d+)\s*$/.exec(v)
    if (!match) {
      ctx.addIssue({ code: 'custom', message: 'expected a count such as 3, >=3 or <10' })
      return z.NEVER
    }
    return { op: (match[1] ?? '=') as CountExpectation['op'], n: Number(match[2]) }
  })

const schema = () =>
  z
    .object({
      call: text(),
      equals: z.string().optional(),
      matches: regex().optional(),
      contains: text().optional(),
      min: number().optional(),
      max: number().optional(),
      count: count().optional(),
      empty: bool().optional(),
      ...awsTarget(),
    })
    .strict()

export type AwsCallParams = Zod.output<ReturnType<typeof schema>>

export const awsCall = defineCheck({
  kind: 'aws',
  description:
    'A read-only AWS CLI command, as written, called through the SDK (all pages), with its --query and an expectation',
  params: schema,
  example:
    'check: aws call="aws lambda get-function-configuration --function-name api-${env} --query Runtime" equals=nodejs20.x',
  // A value substituted into the call stays one word, whatever spaces or quotes it holds.
  wordParams: ['call'],
  templateProblems: ({ call }) => {
    if (!call) return []
    const { parseCall, splitWords } = ruleLibraries()
    const split = splitWords(call)
    const parsed = 'problem' in split ? split : parseCall(split.words)
    return 'problem' in parsed ? [{ param: 'call', ...parsed.problem }] : []
  },
  service: (p, { env }) => {
    const parsed = ruleLibraries().parseCallLine(p.call)
    if ('problem' in parsed) return 'aws'
    const { call } = parsed
    return awsService(
      call.service,
      { region: call.region ?? p.region, profile: call.profile ?? p.profile },
      env,
    )
  },
  iam: (p) => {
    const { iamActionOf, parseCallTemplate } = ruleLibraries()
    const parsed = p.call === undefined ? undefined : parseCallTemplate(p.call)
    return parsed && 'call' in parsed ? [iamActionOf(parsed.call)] : []
  },
  load: () => import('../aws/call.ts').then((m) => m.checkAwsCall),
})
