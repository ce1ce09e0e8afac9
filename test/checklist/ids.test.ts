import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse, readSeed } from '../helpers/fixtures.ts'

/** Maps item text → id, for items whose text is unique in the file. */
function idsByText(markdown: string): Map<string, string> {
  const items = parse(markdown).checklist.items
  const counts = new Map<string, number>()
  for (const item of items) counts.set(item.plain, (counts.get(item.plain) ?? 0) + 1)
  return new Map(items.filter((i) => counts.get(i.plain) === 1).map((i) => [i.plain, i.id]))
}

const BASE = `# Deploy
## Pre-Deployment
### 1. Database
- [ ] Tables exist
- [ ] Seed rows present
### 2. Config
- [ ] JWT_SECRET set
## Smoke Tests
#### List Agents
- [ ] Returns 200 OK
#### Activate Agent
- [ ] Returns 200 OK
- [ ] Returns 200 OK
`

describe('item ids', () => {
  it('are the path of slugs from phase to item text', () => {
    assert.deepEqual(
      parse(BASE).checklist.items.map((i) => i.id),
      [
        'pre-deployment/database/tables-exist',
        'pre-deployment/database/seed-rows-present',
        'pre-deployment/config/jwt-secret-set',
        'smoke-tests/list-agents/returns-200-ok',
        'smoke-tests/activate-agent/returns-200-ok',
        'smoke-tests/activate-agent/returns-200-ok~2',
      ],
    )
  })

  it('are unique when two items have identical text', () => {
    const ids = parse('## P\n- [ ] same\n- [ ] same\n- [ ] same\n').checklist.items.map((i) => i.id)
    assert.deepEqual(ids, ['p/same', 'p/same~2', 'p/same~3'])
  })

  it('survive items added, removed and reworded elsewhere', () => {
    const before = idsByText(BASE)
    const edited = BASE.replace('- [ ] Tables exist\n', '- [ ] Backup taken\n- [ ] Tables exist\n')
      .replace('- [ ] Seed rows present', '- [ ] Seed rows are present in every tenant')
      .replace('- [ ] JWT_SECRET set\n', '')
    const after = idsByText(edited)
    for (const text of ['Tables exist']) assert.equal(after.get(text), before.get(text))
    assert.equal(after.get('Returns 200 OK'), before.get('Returns 200 OK'))
  })

  it('survive sections being added before them and renumbered', () => {
    const renumbered = BASE.replace(
      '## Pre-Deployment\n',
      '## Pre-Deployment\n### 1. Access\n- [ ] VPN up\n',
    )
      .replace('### 1. Database', '### 2. Database')
      .replace('### 2. Config', '### 3. Config')
    const before = parse(BASE).checklist.items.map((i) => i.id)
    const after = parse(renumbered).checklist.items.map((i) => i.id)
    assert.deepEqual(after.slice(1), before)
  })

  it('leave out every way a heading is numbered, and only that', () => {
    const ids = parse(
      [
        '## P',
        ...['1. Database', '2.1 Build', '3) Verify', '4 Prep', 'iv. Sign-off'].flatMap((title) => [
          `### ${title}`,
          '- [ ] step',
        ]),
      ].join('\n'),
    ).checklist.items.map((i) => i.id)
    assert.deepEqual(ids, [
      'p/database/step',
      'p/build/step',
      'p/verify/step',
      'p/prep/step',
      'p/sign-off/step',
    ])
  })

  it('keep a heading’s leading quantity: removing "4 Weeks Before" hands nothing to "2 Weeks Before"', () => {
    const both =
      '## Pre\n### 4 Weeks Before Go-Live\n- [ ] Review\n### 2 Weeks Before Go-Live\n- [ ] Review\n'
    assert.deepEqual(
      parse(both).checklist.items.map((i) => i.id),
      ['pre/4-weeks-before-go-live/review', 'pre/2-weeks-before-go-live/review'],
    )
    const second = parse(both.replace('### 4 Weeks Before Go-Live\n- [ ] Review\n', '')).checklist
    assert.deepEqual(
      second.items.map((i) => i.id),
      ['pre/2-weeks-before-go-live/review'],
    )
  })

  it('keep other quantities too, in the languages of the seeds', () => {
    const ids = parse(
      '## Pre\n### 24 Hours Before\n- [ ] a\n### 2 Tage vorher\n- [ ] b\n### 3 días antes\n- [ ] c\n',
    ).checklist.items.map((i) => i.id)
    assert.deepEqual(ids, ['pre/24-hours-before/a', 'pre/2-tage-vorher/b', 'pre/3-dias-antes/c'])
  })

  it('survive whole sections being moved', () => {
    const moved = BASE.replace(
      /## Pre-Deployment\n([\s\S]*?)## Smoke Tests\n([\s\S]*)$/,
      '## Smoke Tests\n$2## Pre-Deployment\n$1',
    )
    assert.deepEqual(
      new Set(parse(moved).checklist.items.map((i) => i.id)),
      new Set(parse(BASE).checklist.items.map((i) => i.id)),
    )
  })

  it('follow an explicit id: directive wherever the item goes', () => {
    const a = parse('## P\n- [ ] Stack healthy <!-- id: stack -->\n').checklist.items[0]
    const b = parse('## Q\n### G\n- [ ] The stack is healthy now <!-- id: stack -->\n').checklist
      .items[0]
    assert.equal(a?.id, 'stack')
    assert.equal(b?.id, 'stack')
    assert.equal(b?.hasExplicitId, true)
  })

  it('fold accents and drop emoji, so Portuguese and decorated text still read', () => {
    const items = parse(
      '## Validação Pós-Deploy\n- [ ] Tabela `tenant_users` criada ✅\n- [ ] 🚀\n',
    ).checklist.items
    assert.equal(items[0]?.id, 'validacao-pos-deploy/tabela-tenant-users-criada')
    assert.match(items[1]?.id ?? '', /^validacao-pos-deploy\/x[0-9a-f]{8}$/)
  })

  it('stay stable in a real seed when an item is inserted at the top', () => {
    const seed = readSeed('003_fa378dcafbaacd4c.txt')
    const edited = seed.replace(
      '### Environment Setup\n',
      '### Environment Setup\n- [ ] Laptop charged\n',
    )
    const before = parse(seed).checklist.items.map((i) => i.id)
    const after = parse(edited).checklist.items.map((i) => i.id)
    assert.deepEqual(after.slice(1), before)
  })

  it('never gives a generated section id that an explicit one took', () => {
    const { checklist } = parse('## A <!-- id: b -->\n- [ ] step\n## B\n- [ ] step\n')
    const ids = checklist.items.map((i) => i.id)
    assert.equal(new Set(ids).size, 2)
    assert.deepEqual(ids, ['b/step', 'b~2/step'])
  })

  it('suggests an id that can be written', () => {
    const [problem] = parse(
      '## P\n- [ ] Stack <!-- check: tcp host=a port=1 -->\n- [ ] x <!-- check: tcp host=b port=1; needs: stack -->\n',
    ).problems
    assert.equal(problem?.hint, 'give the item on line 2 an id: <!-- id: stack -->')
  })

  it('names the implicit phase after the front-matter title', () => {
    assert.equal(
      parse('---\ntitle: My Deploy\n---\n- [ ] a\n').checklist.items[0]?.id,
      'my-deploy/a',
    )
  })
  it('keep Chinese, Japanese and Korean text readable rather than a hash', () => {
    const ids = parse(
      '## 申请\n- [ ] 风险评估/窗口/影响\n## リリース\n- [ ] サーバーを再起動する。\n## 배포 전 체크리스트\n- [ ] 린트 에러 0개\n',
    ).checklist.items.map((i) => i.id)
    assert.deepEqual(ids, [
      '申请/风险评估-窗口-影响',
      'リリース/サーバーを再起動する',
      '배포-전-체크리스트/린트-에러-0개',
    ])
  })

  it('keep the CJK words of a mixed line, not only its Latin ones', () => {
    const items = parse(
      '## P\n- [ ] Go/No-Go与责任人签署\n- [ ] Go/No-Go与产品负责人签署\n- [ ] TypeScript 에러 0개\n',
    ).checklist.items
    assert.deepEqual(
      items.map((i) => i.id),
      ['p/go-no-go与责任人签署', 'p/go-no-go与产品负责人签署', 'p/typescript-에러-0개'],
    )
  })

  it('make CJK ids that are unique, stable and cut by characters', () => {
    const long = '数'.repeat(30) + '𠀀'.repeat(30)
    const first = parse(`## P\n- [ ] ${long}\n- [ ] ${long}\n`).checklist.items.map((i) => i.id)
    const again = parse(`## P\n- [ ] ${long}\n- [ ] ${long}\n`).checklist.items.map((i) => i.id)
    assert.deepEqual(first, again)
    assert.equal(first[1], `${first[0]}~2`)
    const segment = first[0]?.split('/')[1] ?? ''
    assert.equal(Array.from(segment).length, 48)
    assert.doesNotMatch(segment, /\p{Cs}/u, 'no surrogate pair is cut in two')
  })

  it('fold full-width Latin and keep Hangul syllables whole', () => {
    const [item] = parse('## P\n- [ ] ＡＰＩ 키 확인\n').checklist.items
    assert.equal(item?.id, 'p/api-키-확인')
    assert.equal(item?.id.normalize('NFC'), item?.id)
  })

  it('stay exactly as they were for text without CJK characters', () => {
    const ids = parse(
      '## Validação Pós-Deploy\n- [ ] Tabela criada ✅\n- [ ] Ｆｕｌｌ width\n- [ ] Straße — Ünïcödé\n',
    ).checklist.items.map((i) => i.id)
    assert.deepEqual(ids, [
      'validacao-pos-deploy/tabela-criada',
      'validacao-pos-deploy/full-width',
      'validacao-pos-deploy/stra-e-unicode',
    ])
  })
})
