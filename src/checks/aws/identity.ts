/** Runs an `aws.identity` check (its parameters: kinds/sts.ts). */

import { fail, pass, type RunCheck } from '../kind.ts'
import type { IdentityParams } from '../kinds/sts.ts'
import { AccountGuard } from './account.ts'
import { awsErrorOutcome, describeAccount } from './errors.ts'
import { targetOf } from './target.ts'

export const checkIdentity: RunCheck<IdentityParams> = async (p, ctx) => {
  const target = targetOf(p, ctx.env)
  // The run's own guard when there is one (STS is asked once for every check), else one of our own.
  const guard =
    ctx.clients.accountGuard ??
    new AccountGuard({ environment: '' }, (service, t) => ctx.clients.aws(service, t))
  const expected = p.account ?? guard.expected?.id
  try {
    const identity = await guard.identify(target, ctx.signal)
    const evidence = {
      account: identity.account,
      arn: identity.arn,
      ...(identity.alias ? { alias: identity.alias } : {}),
      ...(expected ? { expected } : {}),
    }
    const who = `${describeAccount(identity)} as ${identity.arn}`
    if (expected && expected !== identity.account) {
      return fail(`the credentials are for account ${who}, not ${expected}`, {
        details: ['use the profile or SSO role for the expected account (AWS_PROFILE=…)'],
        evidence,
      })
    }
    return pass(`AWS credentials work: account ${who}`, { evidence })
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}
