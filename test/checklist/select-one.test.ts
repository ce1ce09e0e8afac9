/**
 * "Select one" groups: boxes the checklist says to pick one of are one choice on the sign-off
 * screen, not task items; without an explicit cue, boxes stay items.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { referencePages } from '../../src/checklist/reference.ts'
import { labelWithoutCue, selectOneCue } from '../../src/checklist/select-one.ts'
import { parse } from '../helpers/fixtures.ts'

/** The checklist's items (their text) and its choice fields (`label: answer / answer`). */
function readingOf(markdown: string): { items: string[]; choices: string[] } {
  const { checklist } = parse(markdown)
  return {
    items: checklist.items.map((item) => item.plain),
    choices: checklist.signoff
      .filter((field) => field.type === 'choice')
      .map((field) => `${field.label}: ${field.choices.join(' / ')}`),
  }
}

describe('select-one groups', () => {
  it('read the boxes under a "Select one" comment as one choice named by the heading, not as items', () => {
    const markdown = [
      '## Change Information',
      '### Change Type',
      "<!-- Select one by marking with an 'x' -->",
      '- [ ] Standard Change (Pre-approved, low-risk)',
      '- [ ] Emergency Change',
      '',
      '### Priority',
      "<!-- Select one by marking with an 'x' -->",
      '- [ ] Critical (P1) - System down',
      '- [ ] **High (P2)** - Significant impact',
      '- [ ] Low (P4)',
      '',
      '## Deploy',
      '- [ ] Deploy the change',
    ].join('\n')
    const { checklist } = parse(markdown)
    assert.deepEqual(readingOf(markdown), {
      items: ['Deploy the change'],
      choices: [
        'Change Type: Standard Change (Pre-approved, low-risk) / Emergency Change',
        'Priority: Critical (P1) - System down / High (P2) - Significant impact / Low (P4)',
      ],
    })
    assert.deepEqual(
      checklist.signoff.map((field) => [field.line, field.role, field.cue]),
      [
        [4, null, "Select one by marking with an 'x'"],
        [9, null, "Select one by marking with an 'x'"],
      ],
    )
    // Its section asks something: a section of the run, not a reference page.
    assert.deepEqual(
      checklist.phases.map((phase) => phase.title),
      ['Deploy'],
    )
  })

  it('leave the prose beside a choice a page to read, as it is without the choice', () => {
    const markdown = [
      '## Risk Assessment',
      '### Risk Level',
      '<!-- Select one -->',
      '- [ ] High',
      '- [ ] Low',
      '### Potential Risks',
      '| Risk | Mitigation |',
      '|---|---|',
      '| Outage | Roll back |',
      '## Deploy',
      '- [ ] Deploy',
    ].join('\n')
    assert.deepEqual(
      referencePages(parse(markdown).checklist).map((page) => page.title),
      ['Risk Assessment'],
    )
  })

  it('take the cue from the heading, or from a line above that names the choice', () => {
    assert.deepEqual(
      readingOf(
        '## Risk\n### Risk level (select one)\n- [ ] High\n- [ ] Low\n\nThen:\n\n- [ ] Mitigation written',
      ),
      { items: ['Mitigation written'], choices: ['Risk level: High / Low'] },
    )
    assert.deepEqual(
      readingOf(
        '## Change\n**Priority** (choose one):\n\n- [ ] P1\n- [ ] P2\n\n## Deploy\n- [ ] Go',
      ),
      { items: ['Go'], choices: ['Priority: P1 / P2'] },
    )
  })

  it('hear the cue in Spanish, Portuguese, French and German', () => {
    for (const cue of [
      '<!-- Seleccione una opción -->',
      'Marque solo una:',
      '<!-- Escolha apenas uma opção -->',
      '_Assinale uma alternativa_',
      '<!-- Cochez une seule case -->',
      'Choisissez une option :',
      '<!-- Bitte nur eine Option ankreuzen -->',
      'Wählen Sie eine Antwort:',
    ]) {
      assert.deepEqual(
        readingOf(`## Tipo\n${cue}\n\n- [ ] Normal\n- [ ] Urgente\n\n## Deploy\n- [ ] Go`),
        { items: ['Go'], choices: ['Tipo: Normal / Urgente'] },
        cue,
      )
    }
  })

  it('leave boxes as items without a cue, with "or more" / "all that apply", or when they are no bare answers', () => {
    const cases = [
      '## Priority\n- [ ] High\n- [ ] Low',
      '## Priority\n<!-- Select one or more -->\n- [ ] High\n- [ ] Low',
      '## Priority\n<!-- Select all that apply -->\n- [ ] High\n- [ ] Low',
      '## Priority\nCheck one more time before you go:\n\n- [ ] High\n- [ ] Low',
      '## Priority\n<!-- Select one -->\n- [x] High\n- [ ] Low',
      '## Priority\n<!-- Select one -->\n- [ ] High\n  - [ ] Page the on-call\n- [ ] Low',
      '## Priority\n<!-- Select one -->\n- [ ] High <!-- check: http url=https://example.com -->\n- [ ] Low',
      '## Priority\n<!-- Select one -->\n\nSome prose.\n\n- [ ] High\n- [ ] Low',
      '## DB\nRun `select 1` first:\n\n- [ ] High\n- [ ] Low',
    ]
    for (const markdown of cases) {
      const { items, choices } = readingOf(markdown)
      assert.deepEqual(choices, [], markdown)
      assert.ok(items.length >= 2, markdown)
    }
  })
})

describe('selectOneCue and labelWithoutCue', () => {
  it('find the words and leave the label', () => {
    assert.equal(
      selectOneCue("<!-- Select one by marking with an 'x' -->"),
      "Select one by marking with an 'x'",
    )
    assert.equal(selectOneCue('Pick one or more servers'), null)
    assert.equal(selectOneCue('<!-- check: pg.query sql="select 1" -->'), null)
    assert.equal(labelWithoutCue('Priority (select one):'), 'Priority')
    assert.equal(labelWithoutCue('Change (CAB) [choose one]'), 'Change (CAB)')
    assert.equal(labelWithoutCue('Select one:'), '')
  })
})
