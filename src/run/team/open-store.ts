/**
 * A team store opened for a command that reads it (`runs`, `export`, `verify`):
 * its objects, the run asked for (or a clear "no such run"), the team's runs
 * for a listing, and S3's refusals in words an operator acts on — no bucket,
 * access denied, credentials, no answer — each one line with what to do.
 *
 * This module loads the S3 code (through objects.ts): commands import it only
 * once a team store is named, so `runs` on this machine's runs loads no SDK.
 */
import pLimit from 'p-limit'
import { formatLimit } from '../../duration.ts'
import { UserError } from '../../errors.ts'
import { terminalFor } from '../../output/terminal.ts'
import { type S3StoreAddress, STORE_VARIABLE, storeUrl } from './address.ts'
import { teamTuning } from './link.ts'
import {
  isCredentialsRefused,
  StoreObjects,
  type StoreObjectsOptions,
  StoreUnavailableError,
} from './objects.ts'
import { readTeamRunState, type TeamRunState } from './read-state.ts'
import { teamRunIds } from './team-run.ts'

/**
 * Exit code for a team store that did not answer (unreachable, throttling or
 * failing after every retry): nothing is wrong with the command, try again.
 * EX_UNAVAILABLE in sysexits.h. What the operator must fix (no bucket, access
 * denied, no credentials, no such run) exits 2, as other bad usage does.
 */
export const EXIT_STORE_UNAVAILABLE = 69

/**
 * Runs `work` with the store's objects, closes them after, and turns a failure
 * of the store into one line with a hint (see `storeProblem`).
 */
export async function withStore<T>(
  address: S3StoreAddress,
  work: (objects: StoreObjects) => Promise<T>,
  options: StoreObjectsOptions = {},
): Promise<T> {
  const objects = new StoreObjects(address, {
    requestTimeoutMs: teamTuning(process.env).requestTimeoutMs,
    ...options,
  })
  const quiet = sayWhenStoreIsSlow(objects)
  try {
    return await work(objects)
  } catch (error) {
    throw storeProblem(error, address)
  } finally {
    quiet()
    await objects.close()
  }
}

/** How long a request to the store goes unanswered before the operator is told it is still asked. */
export const SLOW_STORE_AFTER_MS = 2_000

/**
 * Says once, on stderr, when a request to the store has waited `afterMs` for its answer: that
 * the store is not answering yet, how long it will still be tried, and that Ctrl-C is safe
 * (`safe`: what it leaves). Only when stdout and stderr are both a terminal: JSON output and
 * scripts get nothing more than they did. Returns the function that stops watching.
 */
export function sayWhenStoreIsSlow(
  objects: StoreObjects,
  safe = 'Ctrl-C is safe: nothing has been changed',
  // A request timeout shorter than that is said at half of it, before it is tried again.
  afterMs = Math.min(SLOW_STORE_AFTER_MS, objects.patience.timeoutMs / 2),
): () => void {
  if (!process.stdout.isTTY || !process.stderr.isTTY) return () => {}
  const timer = setInterval(() => {
    const since = objects.unansweredSince
    if (since === undefined || Date.now() - since < afterMs) return
    clearInterval(timer)
    const { attempts, timeoutMs } = objects.patience
    const err = terminalFor(process.stderr)
    err.write(
      err.paint(
        'yellow',
        `the team store ${storeUrl(objects.address)} is not answering yet; still trying (up to ${attempts} tries, ${formatLimit(timeoutMs)} each). ${safe}.\n`,
      ),
    )
  }, 200)
  timer.unref()
  return () => clearInterval(timer)
}

/** The SDK error a store failure carries, as far as messages need it. */
interface SdkError {
  readonly name?: string
  readonly message?: string
}

/**
 * What went wrong with the store, said so an operator can act: a
 * StoreUnavailableError (S3's answer after the retries) becomes a UserError
 * naming the store and where its address came from; anything else is passed on.
 */
export function storeProblem(error: unknown, address: S3StoreAddress): unknown {
  if (!(error instanceof StoreUnavailableError)) return error
  const url = storeUrl(address)
  const named = `${url} (from ${address.source})`
  const cause = (error.cause ?? {}) as SdkError
  const name = cause.name ?? ''
  const say = (message: string, hint: string, exitCode = 2) =>
    new UserError(message, { hint, exitCode, cause: error })
  if (name === 'NoSuchBucket') {
    return say(
      `there is no bucket '${address.bucket}' for the team store ${named}`,
      `check the bucket's name, and that your AWS credentials are for the account that owns it; README "Team runs" says how a team's bucket is set up`,
    )
  }
  if (
    name === 'CredentialsProviderError' ||
    /could not load credentials/i.test(cause.message ?? '')
  ) {
    return say(
      `no AWS credentials to read the team store ${named}`,
      'log in as you do for the AWS CLI (aws sso login, AWS_PROFILE, or access keys in the environment)',
    )
  }
  if (/region is missing/i.test(cause.message ?? '')) {
    return say(
      `no AWS region to reach the team store ${named}`,
      "set AWS_REGION (or the profile's region) to the bucket's region",
    )
  }
  if (isCredentialsRefused(name)) {
    return say(
      `AWS did not accept your credentials for the team store ${named} (${name})`,
      'log in again (aws sso login, or fresh keys); the store is read with the same credentials as the AWS CLI',
    )
  }
  if (error.failure === 'refused') {
    return say(
      `the team store ${named} refused access (${name || 'refused'})`,
      'your AWS identity needs s3:GetObject and s3:ListBucket on the prefix (and s3:PutObject to record an export); README "Team runs" has the policy',
    )
  }
  // No answer after every retry: StoreUnavailableError's message says what was tried and how it failed.
  return say(
    error.message.replace(`the team store ${url} `, `the team store ${named} `),
    'nothing was changed; check the network or VPN (and AWS_ENDPOINT_URL, if set), then try again',
    EXIT_STORE_UNAVAILABLE,
  )
}

/**
 * The run `runId` of the store, read and folded; a UserError (exit 2) when the
 * store has none, naming runs whose ids are close, or saying how to list them.
 */
export async function readStoreRun(objects: StoreObjects, runId: string): Promise<TeamRunState> {
  const run = await readOrExplain(objects, runId)
  if (run) return run
  const ids = await teamRunIds(objects)
  const close = ids.filter((id) => id.includes(runId) || runId.includes(id))
  const url = storeUrl(objects.address)
  throw new UserError(
    `no run '${runId}' in the team store ${url} (from ${objects.address.source})`,
    {
      hint:
        close.length > 0
          ? `did you mean: ${close.slice(0, 5).join(', ')}`
          : ids.length > 0
            ? `deploy-wizard runs --all --store ${url} lists the team's runs`
            : `the store holds no runs yet; a run on this machine is exported without a store (${STORE_VARIABLE} set empty, or unset)`,
    },
  )
}

/** A team run as `runs` lists it: read whole (its progress and finish are in its journal). */
export interface ListedTeamRun {
  readonly id: string
  readonly run: TeamRunState
}

/** The team's runs, read `RUNS_AT_ONCE` at a time, and a sentence for each one that cannot be read. */
export async function listStoreRuns(
  objects: StoreObjects,
  /** Which runs to read, by id; every one when not given. */
  isWanted: (id: string) => boolean = () => true,
): Promise<{ readonly runs: readonly ListedTeamRun[]; readonly problems: readonly string[] }> {
  const ids = (await teamRunIds(objects)).filter(isWanted)
  const limit = pLimit(RUNS_AT_ONCE)
  const problems: string[] = []
  const read = await Promise.all(
    ids.map((id) =>
      limit(async () => {
        try {
          const run = await readOrExplain(objects, id)
          if (run) return { id, run }
          problems.push(`run ${id} in the team store has no header.json: it is left out`)
        } catch (error) {
          // One damaged run does not hide the others; the store failing does.
          if (!(error instanceof DamagedRunError)) throw error
          problems.push(error.message)
        }
        return undefined
      }),
    ),
  )
  return { runs: read.filter((listed) => listed !== undefined), problems }
}

/**
 * Runs read at once while listing. Each read fetches up to 32 objects at a
 * time itself (team-run.ts), so a few runs at once keep S3 busy without
 * opening hundreds of connections.
 */
const RUNS_AT_ONCE = 4

/** A run whose objects deploy-wizard did not write that way: an entry missing, twice, or not JSON. */
export class DamagedRunError extends UserError {}

/**
 * Reads the run; a DamagedRunError when its objects are not what deploy-wizard
 * writes (readTeamRun's checks, or an object that is not JSON).
 */
async function readOrExplain(
  objects: StoreObjects,
  runId: string,
): Promise<TeamRunState | undefined> {
  try {
    return await readTeamRunState(objects, runId)
  } catch (error) {
    const isDamage =
      error instanceof SyntaxError ||
      (error instanceof Error &&
        !(error instanceof UserError) &&
        / in the team store|^the team store lost /.test(error.message))
    if (!isDamage) throw error
    throw new DamagedRunError(
      `run ${runId} in the team store ${storeUrl(objects.address)} cannot be read: ${(error as Error).message}`,
      {
        hint: 'its objects were changed by something other than deploy-wizard; the store keeps every version when the bucket has versioning on',
        cause: error,
      },
    )
  }
}
