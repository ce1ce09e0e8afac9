/**
 * Parses arguments, picks a command, sets the exit code. No logic of its own:
 * each command lives in `commands/<verb>.ts` and is loaded only when chosen, so
 * `--help` and `--version` stay instant.
 *
 * Exit codes: 0 success, 1 the checklist or its checks failed, 2 bad usage.
 */
import { Command, CommanderError, Option } from 'commander'
import { UserError } from './errors.ts'
import { VERSION } from './version.ts'

const EXIT_USAGE = 2

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
Exit codes: 0 success · 1 problems or failed checks · 2 bad usage
Docs: the README of the deploy-wizard package lists every directive and command.`,
    )
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) })
    .hook('preAction', (command) => {
      if (command.opts().color === false) process.env.NO_COLOR = '1'
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

  return program
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram()
  try {
    if (argv.length <= 2) {
      program.outputHelp()
      return
    }
    await program.parseAsync(argv)
  } catch (error) {
    process.exitCode = report(error)
  }
}

/** Renders an error once, at the top, and returns the exit code it means. */
function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed help, the version or the usage message.
    return error.exitCode === 0 ? 0 : EXIT_USAGE
  }
  if (error instanceof UserError) {
    process.stderr.write(`deploy-wizard: ${error.message}\n`)
    if (error.hint) process.stderr.write(`  ${error.hint}\n`)
    return error.exitCode
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  process.stderr.write(
    `deploy-wizard ${VERSION} hit a bug, not a problem with your checklist or systems.\n` +
      `Please report it with the details below.\n\n${detail}\n`,
  )
  return 70
}

await main(process.argv)
