/**
 * Parses arguments, picks a command, sets the exit code. No logic of its own:
 * each command lives in `commands/<verb>.ts` and is loaded only when chosen, so
 * `--help` and `--version` stay instant.
 *
 * Exit codes: 0 success, 1 the checklist or its checks failed, 2 bad usage,
 * 69 a team store that did not answer, 74 answers the disk refused to save (run),
 * 130 cancelled (Ctrl-C), 70 a bug of ours.
 */
import { Command, CommanderError, Option } from 'commander'
import { UserError } from './errors.ts'
import { takeHomeProblems } from './home.ts'
import { terminalFor } from './output/terminal.ts'
import { VERSION } from './version.ts'

const EXIT_USAGE = 2

/** How `runs`, `export` and `verify` find a team store: said in each one's help. */
const TEAM_STORE_HELP = `
A team store is named with --store or DEPLOY_WIZARD_STORE (set it empty for this
machine's runs). A checklist's front matter \`store:\` does not apply here: these
commands name no checklist.
`

/** The exit codes of `runs` and `export`. */
const TEAM_STORE_EXITS = `Exit 0 success, 2 bad usage (an unknown run, a bad store address, no bucket,
access denied, no AWS credentials), 69 the team store did not answer (try again).`

/** For an option given more than once: each value added to the earlier ones. */
function collect(value: string, earlier: readonly string[] | undefined): string[] {
  return [...(earlier ?? []), value]
}

function buildProgram(): Command {
  const program = new Command('deploy-wizard')
    .description('Walk a deployment checklist: run its checks live, confirm the rest, sign it off.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--no-color', 'plain output (the NO_COLOR variable does the same)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 success · 1 problems or failed checks · 2 bad usage ·
  74 answers the disk refused to save · 130 cancelled (Ctrl-C) · 70 a bug of ours ·
  69 a team store did not answer (runs, export, verify, run, approve)
Docs: the README of the deploy-wizard package lists every directive and command.`,
    )
    .exitOverride()
    .configureOutput({
      // Help and usage errors quote the command line: written as everything else is.
      writeOut: (text) => terminalFor(process.stdout).write(text),
      writeErr: (text) => terminalFor(process.stderr).write(text),
      outputError: (text, write) => write(text),
    })
    .hook('preAction', (command) => {
      // As bin/deploy-wizard.js does for NO_COLOR: FORCE_COLOR=0 for chalk (Ink) and Node.
      if (command.opts().color === false)
        Object.assign(process.env, { NO_COLOR: '1', FORCE_COLOR: '0' })
    })

  program
    .command('validate')
    .description('check checklist files for mistakes; print every problem with file:line:column')
    .argument('<file...>', 'markdown checklists')
    .option('--strict', 'treat warnings as errors')
    .option('--json', 'print a JSON report instead of text')
    .addHelpText(
      'after',
      '\nExit 0 when every file is clean, 1 when one has errors, 2 when a file cannot be read.',
    )
    .action(async (files: string[], options: { strict?: boolean; json?: boolean }) => {
      const { validateCommand } = await import('./commands/validate.ts')
      process.exitCode = await validateCommand(files, options)
    })

  program
    .command('plan')
    .description(
      'show how a checklist will run for one environment: phases, items, checks, scope (a dry run)',
    )
    .argument('<file>', 'markdown checklist')
    .addOption(
      new Option(
        '-e, --env <env>',
        'environment to plan for (dev, staging, prod…)',
      ).makeOptionMandatory(),
    )
    .option('--json', 'print the plan as JSON')
    .action(async (file: string, options: { env: string; json?: boolean }) => {
      const { planCommand } = await import('./commands/plan.ts')
      process.exitCode = await planCommand(file, options)
    })

  program
    .command('iam-policy')
    .description(
      "print the IAM policy (JSON) with exactly the read actions a checklist's checks call",
    )
    .argument('<file>', 'markdown checklist')
    .option('-e, --env <env>', 'only the checks that apply to this environment (default: all)')
    .addHelpText(
      'after',
      `
Examples:
  deploy-wizard iam-policy checklists/release.md --env prod > deploy-checks-policy.json
  aws iam put-role-policy --role-name deploy-checks --policy-name deploy-wizard \\
    --policy-document file://deploy-checks-policy.json`,
    )
    .action(async (file: string, options: { env?: string }) => {
      const { iamPolicyCommand } = await import('./commands/iam-policy.ts')
      process.exitCode = await iamPolicyCommand(file, options)
    })

  program
    .command('run')
    .description('open the wizard: walk a checklist for one environment, answer, sign off')
    .argument('[file]', 'markdown checklist (asked for when left out)')
    .option('-e, --env <env>', 'environment (asked for when left out)')
    .option(
      '--resume <run-id>',
      'resume this saved run without asking (one not on this machine: from the team store named)',
    )
    .option('--new', 'start a new run even if an unfinished one exists')
    .option(
      '--operator <name>',
      'who answers (default: DEPLOY_WIZARD_OPERATOR, git user.name, login)',
    )
    .option(
      '--stale-after <duration>',
      'check results older than this run again: on entering their phase, on resume, with A',
      '1h',
    )
    .option('--sheet <file>', 'where to write the sign-off sheet (default ./<run-id>-signoff.md)')
    .option('--timeout <duration>', 'time limit for checks whose item sets none (30s, 5m)')
    .option(
      '--store <s3-url>',
      "drive the run in a team store, s3://bucket/prefix (default: DEPLOY_WIZARD_STORE, the checklist's store:)",
    )
    .addHelpText(
      'after',
      `
Needs a terminal; for scripts and CI use \`deploy-wizard check\`.
Every answer is saved the moment it is given: quit with q or Ctrl-C at any time.
Exit 0 finished (nothing failed or pending) or quit, 1 finished with failed or
pending items, 2 bad usage, 69 a team store did not answer (opening or starting
a team run), 74 answers the disk refused to save, 130 interrupted (or a team
run's take-over declined).

Examples:
  deploy-wizard run release.md --env prod --store s3://team-deploys/deploy-wizard
  deploy-wizard run --resume prod-20261204-a7c3 --store s3://team-deploys/deploy-wizard`,
    )
    .action(async (file: string | undefined, options: import('./commands/run.tsx').RunOptions) => {
      const { runCommand } = await import('./commands/run.tsx')
      process.exitCode = await runCommand(file, options)
    })

  program
    .command('check')
    .description('run the automated checks of a checklist for one environment, headless (for CI)')
    .argument('<file>', 'markdown checklist')
    .addOption(
      new Option(
        '-e, --env <env>',
        'environment to check (dev, staging, prod…)',
      ).makeOptionMandatory(),
    )
    // Repeated rather than variadic: `--only a b file` would take the file for an item id.
    .option('-p, --phase <phase>', 'only this phase (id or title); repeat for more', collect)
    .option(
      '--only <ids>',
      'only these items, comma-separated or repeated (and the items they need)',
      (value: string, earlier: string[] | undefined) =>
        collect(value, earlier)
          .flatMap((id) => id.split(','))
          .filter(Boolean),
    )
    .option('--json', 'print the report as JSON (format deploy-wizard/check-report@1)')
    .option('--junit <file>', 'also write a JUnit XML report to <file>')
    .option('--trust', "run the checklist's shell commands this once without a recorded trust")
    .option('--skip-commands', 'do not run shell commands; report them as skipped')
    .option('--timeout <duration>', 'time limit for checks whose item sets none (30s, 5m)')
    .option(
      '--concurrency <n>',
      'checks running at once (default 512; 64 of kinds other than HTTP, AWS, PostgreSQL)',
    )
    .option('--per-host <n>', 'HTTP checks to one host at once, and its connections (default 16)')
    .option('--confirm <env>', 'confirm a production environment without a prompt (--confirm prod)')
    .addHelpText(
      'after',
      `
Exit 0 when every check passed, 1 when one failed, errored or was blocked,
2 for bad usage, 130 when cancelled (Ctrl-C, or the reader of its output gone).`,
    )
    .action(async (file: string, options: import('./commands/check.ts').CheckOptions) => {
      const { checkCommand } = await import('./commands/check.ts')
      process.exitCode = await checkCommand(file, options)
    })

  program
    .command('demo')
    .description('try the wizard on a demo checklist, against a local sandbox (no cloud account)')
    .option('--check', "run the demo checklist's checks headless instead of opening the wizard")
    .addHelpText(
      'after',
      `
Starts a sandbox on 127.0.0.1 that plays an AWS account, an API and a cache,
walks its checklist for dev, and stops it when you leave. Two checks fail on
purpose. Nothing outside this machine is touched; the demo's runs are not kept.`,
    )
    .action(async (options: import('./commands/demo.ts').DemoOptions) => {
      const { demoCommand } = await import('./commands/demo.ts')
      process.exitCode = await demoCommand(options)
    })

  program
    .command('trust')
    .description('review the shell commands a checklist runs and trust it on this machine')
    .argument('<file>', 'markdown checklist')
    .option('-y, --yes', 'trust without asking (after reviewing the list)')
    .option('--revoke', 'forget that this checklist is trusted')
    .action(async (file: string, options: { yes?: boolean; revoke?: boolean }) => {
      const { trustCommand } = await import('./commands/trust.ts')
      process.exitCode = await trustCommand(file, options)
    })

  const runs = program
    .command('runs')
    .description(
      "list the saved runs on this machine, or a team store's (unfinished ones; --all for every one)",
    )
    .option('--all', 'include finished runs')
    .option('--json', 'print the list as JSON')
    .option('--store <s3-url>', "list the team's runs in this store (s3://bucket/prefix)")
    .addHelpText(
      'after',
      `${TEAM_STORE_HELP}
Examples:
  deploy-wizard runs --all
  deploy-wizard runs --store s3://team-deploys/deploy-wizard
  DEPLOY_WIZARD_STORE=s3://team-deploys/deploy-wizard deploy-wizard runs --json

${TEAM_STORE_EXITS}`,
    )
    .action(async (options: import('./commands/runs.ts').RunsOptions) => {
      const { runsCommand } = await import('./commands/runs.ts')
      process.exitCode = await runsCommand(options)
    })
  runs
    .command('rm')
    .description('delete saved runs (refused while a run is open in another process)')
    .argument('<id...>', 'run ids, as `runs` lists them')
    .action(async (ids: string[]) => {
      const { runsRemoveCommand } = await import('./commands/runs.ts')
      process.exitCode = await runsRemoveCommand(ids)
    })

  program
    .command('export')
    .description(
      "write a run's sign-off sheet (markdown), or the run as JSON, or its checks as JUnit",
    )
    .argument('<run-id>', 'a run id, as `runs` lists it')
    .option('-o, --output <file>', 'write to <file> instead of standard output')
    .option('-f, --format <format>', 'md (the sign-off sheet), json or junit', 'md')
    .option('--store <s3-url>', 'export a run of this team store (s3://bucket/prefix)')
    .addHelpText(
      'after',
      `
The export is recorded in the run (so verify knows the sheet) before anything is
written. A team run is read from the store with the checklist text it started
with: no local copy of the run or the checklist is needed.
${TEAM_STORE_HELP}
Examples:
  deploy-wizard export prod-20261122-a7c3 -o signoff.md
  deploy-wizard export prod-20261122-a7c3 --store s3://team-deploys/deploy-wizard -o signoff.md

${TEAM_STORE_EXITS}`,
    )
    .action(async (id: string, options: import('./commands/export.ts').ExportOptions) => {
      const { exportCommand } = await import('./commands/export.ts')
      process.exitCode = await exportCommand(id, options)
    })

  program
    .command('watch')
    .description("follow a run driven elsewhere, live and read-only, on the wizard's screens")
    .argument('<run-id>', 'a run id, as `runs` lists it')
    .option(
      '--store <s3://bucket/prefix>',
      'the team store the run is in (default: DEPLOY_WIZARD_STORE; neither: a run on this machine)',
    )
    .option('--interval <duration>', 'how often the run is read again (500ms, 2s, 10s)', '2s')
    .addHelpText(
      'after',
      `
Examples:
  deploy-wizard watch prod-20261204-a7c3 --store s3://team-deploys/deploy-wizard
  DEPLOY_WIZARD_STORE=s3://team-deploys/deploy-wizard deploy-wizard watch prod-20261204-a7c3
  deploy-wizard watch dev-20261204-k2m9      # a run a wizard in another terminal drives

Needs a terminal. Moving, switching phases, the detail pane and reference pages
work as in the wizard; no key changes the run, and nothing is written anywhere.
Exit 0 when left with q or Esc, 130 when interrupted (Ctrl-C), 2 bad usage
(no terminal, no such run, no store named), 1 when the store cannot be read.`,
    )
    .action(async (id: string, options: import('./commands/watch.tsx').WatchOptions) => {
      const { watchCommand } = await import('./commands/watch.tsx')
      process.exitCode = await watchCommand(id, options)
    })

  program
    .command('approve')
    .description(
      "approve a team run at one of its checklist's gates, as someone other than its driver",
    )
    .argument('<run-id>', 'the run, as the driver’s wizard shows it')
    .option('--store <s3-url>', 'the team store the run is in (default: DEPLOY_WIZARD_STORE)')
    .option('--gate <name>', 'the gate to approve (default: the first one not yet approved)')
    .option('--note <text>', 'a note on the approval, shown on the sheet')
    .option(
      '--name <name>',
      'your name on the sheet (default: DEPLOY_WIZARD_OPERATOR, git user.name, login)',
    )
    .option('-y, --yes', 'approve without asking (after reading the run)')
    .addHelpText(
      'after',
      `
Shows the run's totals and what needs attention before the gate, asks to confirm,
then records the approval in the team store with your name and AWS identity (STS).
A gate refuses its run's own drivers unless it says approver=anyone.

Examples:
  deploy-wizard approve prod-20261204-a7c3 --store s3://team-deploys/deploy-wizard
  DEPLOY_WIZARD_STORE=s3://team-deploys/deploy-wizard \\
    deploy-wizard approve prod-20261204-a7c3 --gate "Change board" --yes --note "CAB-1234"

Exit 0 approved, 1 not confirmed, 2 refused (a self-approval, an unknown or
approved gate, a finished or local run, or by the store), bad usage, or another
approval of the gate landed first (yours is recorded, not counted), 69 the
store did not answer.`,
    )
    .action(async (id: string, options: import('./commands/approve.ts').ApproveOptions) => {
      const { approveCommand } = await import('./commands/approve.ts')
      process.exitCode = await approveCommand(id, options)
    })

  program
    .command('verify')
    .description('tell whether a sign-off sheet was edited after it was exported')
    .argument('<sheet>', 'an exported sign-off sheet (markdown)')
    .option(
      '--store <s3-url>',
      'check the sheet against its run in this team store (s3://bucket/prefix)',
    )
    .addHelpText(
      'after',
      `
The sheet's digest must match its content, and the sheet must be one its run
recorded exporting: the run on this machine, or with a store, the team's run.
${TEAM_STORE_HELP}
Examples:
  deploy-wizard verify signoff.md
  deploy-wizard verify signoff.md --store s3://team-deploys/deploy-wizard

Exit 0 when the sheet is as exported, 1 when it was changed (or resealed),
2 bad usage (no such run in the store, a bad store address, no bucket,
access denied),
69 the team store did not answer (try again).`,
    )
    .action(async (file: string, options: import('./commands/verify.ts').VerifyOptions) => {
      const { verifyCommand } = await import('./commands/verify.ts')
      process.exitCode = await verifyCommand(file, options)
    })

  return program
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram()
  try {
    if (argv.length <= 2) {
      // Alone on a terminal: the wizard. Piped or in CI: the help.
      if (process.stdin.isTTY && process.stdout.isTTY) {
        const { runCommand } = await import('./commands/run.tsx')
        process.exitCode = await runCommand(undefined, {})
      } else program.outputHelp()
    } else await program.parseAsync(argv)
  } catch (error) {
    reportHomeProblems()
    process.exitCode = report(error)
    return
  }
  reportHomeProblems()
}

/** Files of the deploy-wizard folder found unusable and moved aside during the command. */
function reportHomeProblems(): void {
  for (const message of takeHomeProblems()) {
    terminalFor(process.stderr).write(`deploy-wizard: ${message}\n`)
  }
}

/** Renders an error once, at the top, and returns the exit code it means. */
function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed help, the version or the usage message.
    return error.exitCode === 0 ? 0 : EXIT_USAGE
  }
  const err = terminalFor(process.stderr)
  if (error instanceof UserError) {
    err.write(`deploy-wizard: ${error.message}\n`)
    if (error.hint) err.write(`  ${error.hint}\n`)
    return error.exitCode
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  err.write(
    `deploy-wizard ${VERSION} hit a bug, not a problem with your checklist or systems.\n` +
      `Please report it with the details below.\n\n${detail}\n`,
  )
  return 70
}

/**
 * A reader that stops early (`deploy-wizard runs | head -1`) closes the pipe: what is
 * left to print has nowhere to go. It is dropped quietly — no stack trace — and the
 * command finishes with its own exit code, as if its output had been read.
 */
function dropOutputWhenReaderCloses(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
}

dropOutputWhenReaderCloses(process.stdout)
dropOutputWhenReaderCloses(process.stderr)
await main(process.argv)
