/**
 * How many `http` checks talk to one host at once. A host is an origin — scheme, host name
 * and port — the unit a connection can be reused for. The runner holds each origin's checks
 * to this many at a time (the per-service cap `http:<origin>`), and the http kind's
 * keep-alive pool opens at most this many connections to it, so 500 checks against one host
 * share 16 sockets instead of opening 500, while checks against many hosts run side by side.
 *
 * Declarations only: the runner, the kind's declaration and the commands read this without
 * loading the code that makes requests.
 */
import { UserError } from '../errors.ts'

/** Browsers keep 6 connections per host; checks are few and short, so a little more. */
export const DEFAULT_HTTP_PER_HOST = 16
/** The environment variable that sets the cap (the wizard's way; `check` also has `--per-host`). */
export const HTTP_PER_HOST_VARIABLE = 'DEPLOY_WIZARD_HTTP_PER_HOST'

/** The cap `env` asks for, or the default; a value that is not a whole number from 1 is refused. */
export function httpPerHost(env: Readonly<Record<string, string | undefined>>): number {
  const written = env[HTTP_PER_HOST_VARIABLE]?.trim()
  if (written === undefined || written === '') return DEFAULT_HTTP_PER_HOST
  if (!/^[1-9]\d*$/.test(written)) {
    throw new UserError(
      `${HTTP_PER_HOST_VARIABLE} must be a whole number from 1, not '${written}'`,
      {
        hint: `HTTP checks to one host at once; unset it for the default, ${DEFAULT_HTTP_PER_HOST}`,
      },
    )
  }
  return Number(written)
}

/** The runner's service of an `http` check: its origin (`http:https://api.example.com`). */
export function httpService(url: string): string {
  return `http:${new URL(url).origin}`
}
