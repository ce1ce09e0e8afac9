/**
 * `deploy-wizard plan <file> --env <env>`: the checklist as the wizard will run
 * it for one environment — a dry run that touches nothing.
 */
import { productionReason } from '../checklist/environments.ts'
import { leftOutBySections, leftOutLine } from '../checklist/left-out.ts'
import type { Checklist, Gate, ItemBlank } from '../checklist/model.ts'
import { type NumberedProcedure, unansweredWords } from '../checklist/numbered-procedures.ts'
import {
  type Plan,
  type PlannedItem,
  type PlannedSection,
  type PlannedSignoffLine,
  planChecklist,
} from '../checklist/plan.ts'
import { describeInferred, describeScope, isInScope } from '../checklist/scope.ts'
import { directiveParams, shownParams } from '../checks/shown-params.ts'
import { type Painter, terminalFor } from '../output/terminal.ts'
import { loadForRun, requireEnvironment } from './load-for-run.ts'

export interface PlanOptions {
  readonly env: string
  readonly json?: boolean
}

export async function planCommand(file: string, options: PlanOptions): Promise<number> {
  const checklist = await loadForRun(file, 'planning a run')
  requireEnvironment(checklist, options.env)
  const plan = planChecklist(checklist, options.env)
  const out = terminalFor(process.stdout)
  if (options.json) {
    out.writeJson(toJson(checklist, plan, options.env))
    return 0
  }
  const lines: string[] = []
  lines.push(out.paint('bold', `${checklist.title} — plan for ${options.env}`))
  const { items, applicable, automated } = plan.totals
  lines.push(
    `${file} · ${plural(items, 'item')} · ${applicable} apply to ${options.env} · ${automated} automated · ${plural(checklist.signoff.length, 'sign-off field')}`,
  )
  const production = productionReason(checklist, options.env)
  if (production) {
    lines.push(
      out.paint(
        'red',
        `${options.env} is production (${production}): run and check ask for its name to be typed`,
      ),
    )
  }
  const account = checklist.frontMatter.accounts?.[options.env]
  if (account) {
    const via = [
      account.profile ? `profile ${account.profile}` : '',
      account.region ? `region ${account.region}` : '',
    ].filter(Boolean)
    lines.push(
      `AWS account ${account.id}${via.length > 0 ? ` (${via.join(', ')})` : ''}: AWS checks refuse credentials for any other`,
    )
  }
  const gates = checklist.gates.filter((gate) => isInScope(gate.scope, options.env))
  if (gates.length > 0 && !checklist.frontMatter.store) {
    // Only a team store can take an approval from someone else's machine (README, "Approvals").
    lines.push(
      `${plural(gates.length, 'approval gate')}: the run needs a team store (--store, DEPLOY_WIZARD_STORE or store: in the front matter)`,
    )
  }
  // A promotion checklist's staging section is left out of a prod run: said, never hidden.
  const leftOut = leftOutLine(leftOutBySections(checklist, options.env), options.env, false)
  if (leftOut) lines.push(leftOut)
  if (checklist.inferredScopes.length > 0) {
    lines.push('')
    lines.push(
      out.paint(
        'bold',
        'Scopes read from environment words (pin one with <!-- only: ENV -->, cancel one with <!-- only: all -->):',
      ),
    )
    for (const reading of checklist.inferredScopes) {
      lines.push(`  line ${reading.line}: ${describeInferred(reading)}`)
    }
  }
  // A procedure of numbered steps with no task items falls among the phases, at its line.
  const procedures = [...plan.procedures]
  const renderProceduresBefore = (line: number) => {
    while (procedures.length > 0 && (procedures[0]?.section.line ?? 0) < line) {
      const procedure = procedures.shift() as NumberedProcedure
      lines.push('')
      lines.push(
        out.paint('yellow', `≡ ${procedure.section.title} — ${unansweredWords(procedure)}`),
      )
    }
  }
  for (const phase of plan.phases) {
    renderProceduresBefore(phase.section.line)
    lines.push('')
    renderGates(checklist, phase.section.id, options.env, out, lines)
    renderSection(phase, 0, out, lines)
  }
  renderProceduresBefore(Number.POSITIVE_INFINITY)
  const last = checklist.gates.some((gate) => gate.before === null)
  if (last) lines.push('')
  renderGates(checklist, null, options.env, out, lines)
  renderSignoff(plan.signoff, options.env, out, lines)
  lines.push('')
  const prose =
    plan.phases.some(hasProse) || plan.procedures.length > 0 ? ' · ≡ a step written as prose' : ''
  const blanks = checklist.items.some((item) => item.blanks.length > 0)
    ? ' · ✎ asked for when the item is done'
    : ''
  lines.push(
    out.paint(
      'dim',
      `Legend: [ ] manual · [~] automated check · [x] done in the file${prose}${blanks} · n/a not for ${options.env}`,
    ),
  )
  out.write(`${lines.join('\n')}\n`)
  return 0
}

function renderSection(
  planned: PlannedSection,
  depth: number,
  out: Painter,
  lines: string[],
): void {
  const { section } = planned
  const indent = '  '.repeat(depth)
  if (planned.isProse) {
    // As the wizard's `≡` row: a step of the procedure, with nothing in it to answer.
    if (planned.numberedSteps > 0) {
      const words = unansweredWords({ section, steps: planned.numberedSteps, line: section.line })
      lines.push(out.paint('yellow', `${indent}≡ ${section.title} — ${words}`))
      return
    }
    lines.push(out.paint('dim', `${indent}≡ ${section.title} — written as prose, not answerable`))
    return
  }
  const count = `(${section.itemCount} item${section.itemCount === 1 ? '' : 's'})`
  const title = depth === 0 ? out.paint('bold', section.title) : section.title
  const na = planned.applies ? '' : out.paint('dim', ` — n/a: ${describeScope(section.scope)}`)
  lines.push(`${indent}${title} ${out.paint('dim', count)}${na}`)
  for (const item of planned.items) renderItem(item, depth + 1, out, lines)
  for (const child of planned.sections) renderSection(child, depth + 1, out, lines)
}

/**
 * The sign-off, after the phases as in the wizard: a line per field the sign-off screen shows,
 * its kind first (name, date, choice, signature, text) so the labels line up whatever their
 * script, then the label the screen gives it and what else it says: a choice's answers, a
 * signature signed on paper, a value the checklist already holds, the item that holds the field.
 */
function renderSignoff(
  signoff: readonly PlannedSignoffLine[],
  env: string,
  out: Painter,
  lines: string[],
): void {
  if (signoff.length === 0) return
  // Counted as listed: the fields to fill in, the signatures signed on paper, those not for `env`.
  const applying = signoff.filter((s) => s.applies)
  const signatures = applying.filter((s) => s.kind === 'signature').length
  const counts = [
    plural(applying.length - signatures, 'field'),
    signatures > 0 ? plural(signatures, 'signature') : '',
    applying.length < signoff.length ? `${signoff.length - applying.length} not for ${env}` : '',
  ].filter(Boolean)
  lines.push('')
  lines.push(`${out.paint('bold', 'Sign-off')} ${out.paint('dim', `(${counts.join(', ')})`)}`)
  for (const planned of signoff) {
    const text = `  ${planned.kind.padEnd(9)}  ${planned.label}${signoffDetail(planned)}`
    lines.push(planned.applies ? text : out.paint('dim', `${text}  n/a: not for ${env}`))
  }
}

/**
 * What the sign-off screen says of a line besides its label, in parentheses: a choice's answers,
 * a signature signed on paper, a value the checklist already holds, the item that holds it.
 */
function signoffDetail({ line, kind, item }: PlannedSignoffLine): string {
  const field = line.field
  const parts: string[] = []
  if (kind === 'choice' && field) parts.push(field.choices.join(' · '))
  if (field?.given != null) parts.push(`given in the checklist: ${field.given}`)
  else if (kind === 'signature') parts.push('on paper')
  if (item) parts.push(`in the item “${item.plain}”`)
  const shown = parts.filter(Boolean)
  return shown.length > 0 ? ` (${shown.join('; ')})` : ''
}

function hasProse(planned: PlannedSection): boolean {
  return planned.isProse || planned.sections.some(hasProse)
}

/**
 * The approval gates standing before the phase `before` (null: before the sign-off), as a line
 * each: the run waits there until someone approves (deploy-wizard approve).
 */
function renderGates(
  checklist: Checklist,
  before: string | null,
  env: string,
  out: Painter,
  lines: string[],
): void {
  for (const gate of checklist.gates.filter((g) => g.before === before)) {
    const what = `⏸ approval gate "${gate.name}"`
    if (!isInScope(gate.scope, env)) {
      lines.push(out.paint('dim', `${what} — n/a: ${describeScope(gate.scope)}`))
      continue
    }
    const next = before === null ? 'the sign-off waits' : 'the phases below wait'
    lines.push(
      out.paint('yellow', `${what}: ${next} until ${approverWords(gate)} approves the run`),
    )
    lines.push(out.paint('dim', `  with: deploy-wizard approve <run-id> --gate "${gate.name}"`))
  }
}

/** Who may approve at a gate, in words. */
function approverWords(gate: Gate): string {
  return gate.approver === 'anyone' ? 'anyone' : 'someone other than who drove it'
}

function renderItem(planned: PlannedItem, depth: number, out: Painter, lines: string[]): void {
  const { item } = planned
  const indent = '  '.repeat(depth + item.depth)
  const box = item.checked ? '[x]' : item.check ? '[~]' : '[ ]'
  const text = `${indent}${box} ${item.plain}`
  if (!planned.applies) {
    lines.push(out.paint('dim', `${text}  n/a`))
    return
  }
  lines.push(text)
  // What the step asks to be written down: the wizard asks for it when the item is done.
  for (const blank of item.blanks)
    lines.push(out.paint('dim', `${indent}    ✎ ${blankText(blank)}`))
  if (item.check && planned.params) {
    const params = directiveParams(shownParams(item.check.kind, planned.params))
    lines.push(
      out.paint('cyan', `${indent}    ↳ ${[item.check.kind, params].filter(Boolean).join(' ')}`),
    )
  }
}

/** `Link al PR: ____`, `Estado: Exitoso / Fallido`. */
function blankText(blank: ItemBlank): string {
  return `${blank.label}: ${blank.choices.length > 0 ? blank.choices.join(' / ') : '____'}`
}

function toJson(checklist: Checklist, plan: Plan, env: string) {
  const { phases, signoff } = plan
  const section = (p: PlannedSection): unknown => ({
    id: p.section.id,
    title: p.section.title,
    line: p.section.line,
    applies: p.applies,
    prose: p.isProse,
    ...(p.numberedSteps > 0 ? { numberedSteps: p.numberedSteps } : {}),
    items: p.items.map((i) => ({
      id: i.item.id,
      text: i.item.text,
      line: i.item.line,
      checked: i.item.checked,
      blanks: i.item.blanks.map(({ label, choices, line }) => ({ label, choices, line })),
      applies: i.applies,
      reason: i.reason,
      check: i.item.check
        ? { kind: i.item.check.kind, params: shownParams(i.item.check.kind, i.params ?? {}) }
        : null,
    })),
    sections: p.sections.map(section),
  })
  return {
    checklist: checklist.path,
    title: checklist.title,
    environment: env,
    production: productionReason(checklist, env) !== null,
    ...(checklist.frontMatter.accounts?.[env]
      ? { awsAccount: checklist.frontMatter.accounts[env] }
      : {}),
    sha256: checklist.sha256,
    scopes: checklist.inferredScopes,
    gates: checklist.gates.map((gate) => ({
      name: gate.name,
      line: gate.line,
      after: gate.after,
      before: gate.before,
      approver: gate.approver,
      applies: isInScope(gate.scope, env),
    })),
    phases: phases.map(section),
    unanswered: plan.procedures.map((p) => ({
      id: p.section.id,
      title: p.section.title,
      line: p.section.line,
      numberedSteps: p.steps,
    })),
    signoff: signoff.map(({ line, label, kind, applies, item }) => ({
      // A signature line the sheet adds after a role that has none is no field of the checklist's.
      id: line.field?.id ?? null,
      role: line.role,
      label: line.label,
      shown: label,
      kind,
      choices: line.field?.choices ?? [],
      given: line.field?.given ?? null,
      item: item?.id ?? null,
      line: line.field?.line ?? null,
      applies,
    })),
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
