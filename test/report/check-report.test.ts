/**
 * The headless check report as data (`check --json`) and as JUnit XML: secrets
 * masked where the checks reported them, and nowhere else.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MASK, Redactor } from '../../src/checks/redact.ts'
import type { CheckResult } from '../../src/checks/runner.ts'
import { buildCheckReport } from '../../src/report/check-report.ts'
import { toJunit } from '../../src/report/junit.ts'
import { parse } from '../helpers/fixtures.ts'

const CHECKLIST = `# Release

## Pre-Deployment

### Testing
- [ ] All unit tests passing (make test) <!-- check: command run="make test" -->
- [ ] Admin console answers <!-- check: http url=http://127.0.0.1:9/admin status=200 -->
`

describe('the check report', () => {
  it('masks a common-word secret in what checks reported, never in ids, texts or titles', () => {
    const { checklist } = parse(CHECKLIST, 'release.md')
    const [tests, admin] = checklist.items
    assert.ok(tests && admin)
    assert.equal(tests.id, 'pre-deployment/testing/all-unit-tests-passing-make-test')
    // AWS_SECRET_ACCESS_KEY=test (a local emulator's), ADMIN_TOKEN=admin: both secrets.
    const redactor = new Redactor()
    redactor.add('test')
    redactor.add('admin')
    const results = new Map<string, CheckResult>([
      [
        tests.id,
        {
          status: 'fail',
          summary: 'make test exited 2',
          details: ['logged in as admin with test'],
          evidence: { output: 'Testing… 3 tests failed (key test)' },
          durationMs: 1200,
          attempts: 1,
        },
      ],
      [
        admin.id,
        {
          status: 'fail',
          // Already scrubbed once, as a check's job scrubs what it reports.
          summary: `raw {"secret": ${MASK}}`,
          durationMs: 40,
          attempts: 1,
        },
      ],
    ])
    const report = buildCheckReport({
      checklist,
      environment: 'test',
      items: checklist.items,
      results,
      redactor,
      startedAt: new Date('2026-11-22T09:00:00Z'),
      finishedAt: new Date('2026-11-22T09:00:02Z'),
      cancelled: false,
    })
    const [first, second] = report.checks
    assert.equal(first?.id, 'pre-deployment/testing/all-unit-tests-passing-make-test')
    assert.equal(first?.text, 'All unit tests passing (make test)')
    assert.equal(first?.phase.title, 'Pre-Deployment')
    assert.equal(report.environment, 'test')
    assert.equal(first?.summary, `make ${MASK} exited 2`)
    assert.deepEqual(first?.details, [`logged in as ${MASK} with ${MASK}`])
    assert.deepEqual(first?.evidence, { output: `Testing… 3 tests failed (key ${MASK})` })
    assert.equal(second?.id, 'pre-deployment/testing/admin-console-answers')
    assert.equal(second?.summary, `raw {"secret": ${MASK}}`)

    const junit = toJunit(report)
    assert.match(
      junit,
      /<testcase name="All unit tests passing \(make test\)" classname="test\.pre-deployment\/testing\/all-unit-tests-passing-make-test"/,
    )
    assert.match(
      junit,
      /<testcase name="Admin console answers" classname="test\.pre-deployment\/testing\/admin-console-answers"/,
    )
    assert.match(junit, /<failure message="raw \{&quot;secret&quot;: \*\*\*\}"/)
    assert.doesNotMatch(junit, /\*\*\*ing|\*\*\*s-passing/)
  })
})
