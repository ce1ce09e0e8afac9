/**
 * The account guard: before the first AWS call with a given profile and region,
 * STS says who the caller is (once), and when the checklist pins the
 * environment to an AWS account (`accounts:` in its front matter), every AWS
 * check with credentials for another account stops with an error. A prod run
 * with dev credentials, or the reverse, never passes quietly.
 *
 * The account's alias (IAM ListAccountAliases) is read too, for the header and
 * the report; a role that may not read it simply shows no alias.
 */
import type { AwsAccount } from '../../checklist/model.ts'
import { awsCall, WrongAccountError } from './errors.ts'
import type { AwsSdkClient } from './services.ts'
import type { AwsTarget } from './target.ts'

/** Who the AWS calls of one profile and region are made as. */
export interface CallerIdentity {
  readonly account: string
  readonly arn: string
  /** The account's alias, when IAM lets the caller read it. */
  readonly alias?: string
  readonly profile?: string
  readonly region?: string
}

export interface AccountGuardOptions {
  readonly environment: string
  /** The environment's account from the front matter; without one, callers are only identified. */
  readonly expected?: AwsAccount | undefined
  /** Told once per profile and region, as soon as STS has answered. */
  readonly onIdentity?: (identity: CallerIdentity) => void
}

/** How long the first AWS check waits for the account's alias before going on without it. */
const ALIAS_WAIT_MS = 3_000

type ClientFor = (service: 'sts' | 'iam', target: AwsTarget) => Promise<AwsSdkClient>

export class AccountGuard {
  readonly #options: AccountGuardOptions
  readonly #clientFor: ClientFor
  readonly #identities = new Map<string, Promise<CallerIdentity>>()
  readonly #known: CallerIdentity[] = []

  constructor(options: AccountGuardOptions, clientFor: ClientFor) {
    this.#options = options
    this.#clientFor = clientFor
  }

  /** Every identity learnt so far, in the order STS answered. */
  get identities(): readonly CallerIdentity[] {
    return this.#known
  }

  get expected(): AwsAccount | undefined {
    return this.#options.expected
  }

  /**
   * Resolves when AWS calls with this target may go ahead: the caller is in the
   * environment's account, or the checklist pins none. Throws WrongAccountError
   * otherwise, and STS's own error when the caller cannot be identified and an
   * account is pinned.
   */
  async admit(target: AwsTarget, signal?: AbortSignal): Promise<void> {
    const { expected, environment } = this.#options
    if (!expected) {
      // Identified for the header and the report; a failure here is the check's own to meet.
      await this.identify(target, signal).catch(() => undefined)
      return
    }
    const identity = await this.identify(target, signal)
    if (identity.account !== expected.id)
      throw new WrongAccountError(environment, expected, identity)
  }

  /** Who the caller is with this profile and region: asked of STS once, then remembered. */
  identify(target: AwsTarget, signal?: AbortSignal): Promise<CallerIdentity> {
    const key = `${target.profile ?? ''}|${target.region ?? ''}`
    let identity = this.#identities.get(key)
    if (!identity) {
      identity = this.#ask(target, signal)
      this.#identities.set(key, identity)
      // A failure is not remembered: the next check asks again (credentials may have been fixed).
      identity.catch(() => this.#identities.delete(key))
    }
    return identity
  }

  async #ask(target: AwsTarget, signal?: AbortSignal): Promise<CallerIdentity> {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
    const sts = await this.#clientFor('sts', target)
    const answer = await awsCall('sts:GetCallerIdentity', () =>
      sts.send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {}),
    )
    const account = typeof answer?.Account === 'string' ? answer.Account : ''
    const arn = typeof answer?.Arn === 'string' ? answer.Arn : ''
    if (!/^\d{12}$/.test(account)) {
      throw new Error('STS did not say which account the credentials are for')
    }
    // The alias is for people to read: it never holds the checks up for long.
    const alias = await Promise.race([
      this.#alias(target, signal),
      new Promise<undefined>((resolve) =>
        setTimeout(() => resolve(undefined), ALIAS_WAIT_MS).unref(),
      ),
    ])
    const identity: CallerIdentity = {
      account,
      arn,
      ...(alias ? { alias } : {}),
      ...(target.profile ? { profile: target.profile } : {}),
      ...(target.region ? { region: target.region } : {}),
    }
    this.#known.push(identity)
    this.#options.onIdentity?.(identity)
    return identity
  }

  /** The account's alias, or nothing when IAM will not say (no permission, none set). */
  async #alias(target: AwsTarget, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const { ListAccountAliasesCommand } = await import('@aws-sdk/client-iam')
      const iam = await this.#clientFor('iam', target)
      const answer = await iam.send(
        new ListAccountAliasesCommand({}),
        signal ? { abortSignal: signal } : {},
      )
      const alias = answer?.AccountAliases?.[0]
      return typeof alias === 'string' ? alias : undefined
    } catch {
      return undefined
    }
  }
}
