/**
 * `deploy-wizard iam-policy <file> [--env <env>]`: the IAM policy a role needs
 * to run the checklist's checks, with exactly the read actions they call (each
 * kind declares its own: kinds/), plus STS's GetCallerIdentity for the account
 * guard and IAM's ListAccountAliases for the account's name on screen.
 */
import type { Checklist, Item } from '../checklist/model.ts'
import { isInScope } from '../checklist/scope.ts'
import { iamActionsOf } from '../checks/registry.ts'
import { loadRuleLibraries } from '../checks/rules.ts'
import { terminalFor } from '../output/terminal.ts'
import { loadForRun, requireEnvironment } from './load-for-run.ts'

export interface IamPolicyOptions {
  readonly env?: string
}

/** The account guard's calls: who the caller is, and the account's alias (optional). */
const GUARD_ACTIONS = ['sts:GetCallerIdentity', 'iam:ListAccountAliases']

export async function iamPolicyCommand(file: string, options: IamPolicyOptions): Promise<number> {
  const checklist = await loadForRun(file, 'listing the IAM actions its checks need')
  if (options.env !== undefined) requireEnvironment(checklist, options.env)
  // An `aws` call's action is read from its text, with the rule libraries.
  await loadRuleLibraries()
  terminalFor(process.stdout).writeJson(iamPolicy(checklist, options.env))
  return 0
}

/** The policy document for the checks of `environment` (of every environment when not given). */
export function iamPolicy(checklist: Checklist, environment?: string): object {
  const items = checklist.items.filter(
    (item: Item) => item.check && (environment === undefined || isInScope(item.scope, environment)),
  )
  const actions = [...new Set(items.flatMap((item) => iamActionsOf(item)))].sort()
  const checks = actions.filter((action) => !GUARD_ACTIONS.includes(action))
  return {
    Version: '2012-10-17',
    Statement: [
      ...(checks.length > 0
        ? [{ Sid: 'DeployWizardChecks', Effect: 'Allow', Action: checks, Resource: '*' }]
        : []),
      // Any AWS call is preceded by the guard's.
      ...(actions.length > 0
        ? [
            {
              Sid: 'DeployWizardAccountGuard',
              Effect: 'Allow',
              Action: GUARD_ACTIONS,
              Resource: '*',
            },
          ]
        : []),
    ],
  }
}
