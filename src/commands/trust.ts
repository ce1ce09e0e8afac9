/**
 * `deploy-wizard trust <file>`: show every shell command a checklist can run
 * and, once the operator agrees, remember on this machine that this exact file
 * (path + sha256) may run them. Any later edit to the file voids the trust.
 */
import { createInterface } from 'node:readline/promises'
import { UserError } from '../errors.ts'
import { escapeCommand, terminalFor } from '../output/terminal.ts'
import { commandItems, commandLine, revokeTrust, trustChecklist, trustState } from '../trust.ts'
import { loadForRun } from './load-for-run.ts'

export interface TrustOptions {
  readonly yes?: boolean
  readonly revoke?: boolean
}

export async function trustCommand(file: string, options: TrustOptions): Promise<number> {
  const checklist = await loadForRun(file, 'trusting it')
  const out = terminalFor(process.stdout)
  if (options.revoke) {
    const had = revokeTrust(checklist)
    out.write(had ? `${file} is no longer trusted\n` : `${file} was not trusted\n`)
    return 0
  }
  const commands = commandItems(checklist)
  if (commands.length === 0) {
    out.write(`${file} runs no shell commands; nothing to trust\n`)
    return 0
  }
  const state = trustState(checklist)
  const count = `${commands.length} shell ${commands.length === 1 ? 'command' : 'commands'}`
  out.write(`${out.paint('bold', `${file} can run ${count}:`)}\n\n`)
  for (const item of commands) {
    const params = item.check?.params ?? {}
    const cwd = params.cwd ? out.paint('dim', ` (in ${escapeCommand(params.cwd)})`) : ''
    // A command of several lines keeps them under its `$`, so none can pass for another item's.
    const command = commandLine(item).replaceAll('\n', '\n      ')
    out.write(`  line ${item.line}: ${item.plain}\n    $ ${command}${cwd}\n`)
  }
  out.write('\n')
  if (state === 'trusted') {
    out.write(out.paint('green', 'Already trusted on this machine, in this exact version.\n'))
    return 0
  }
  if (state === 'changed') {
    out.write(out.paint('yellow', 'The file changed since it was last trusted.\n'))
  }
  if (!options.yes) {
    if (!process.stdin.isTTY) {
      throw new UserError('trusting a checklist needs a confirmation', {
        hint: `review the commands above, then run: deploy-wizard trust ${file} --yes`,
      })
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    try {
      const answer = await rl.question(out.shown('Trust these commands on this machine? [y/N] '))
      if (!/^y(es)?$/i.test(answer.trim())) {
        out.write('Not trusted.\n')
        return 1
      }
    } finally {
      rl.close()
    }
  }
  trustChecklist(checklist)
  out.write(out.paint('green', `Trusted ${file} (sha256 ${checklist.sha256.slice(0, 12)}…).\n`))
  return 0
}
