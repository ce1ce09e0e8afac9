/**
 * Which region an AWS check targets, as the runner's per-service concurrency key
 * shows it: the directive, then the front matter's `region` var, then
 * AWS_REGION, then AWS_DEFAULT_REGION.
 */
import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { describe, it } from 'node:test'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { Clients } from '../../src/checks/clients.ts'
import { checkJobs } from '../../src/checks/jobs.ts'
import { Redactor } from '../../src/checks/redact.ts'
import { selectCheckItems } from '../../src/checks/select.ts'

function servicesOf(markdown: string, processEnv: Record<string, string>): string[] {
  const { checklist } = parseChecklist(markdown, { path: 'inline.md' })
  const jobs = checkJobs(checklist, selectCheckItems(checklist, 'dev'), {
    environment: 'dev',
    processEnv,
    clients: new Clients(),
    redactor: new Redactor(),
    cwd: tmpdir(),
    commands: 'skip',
  })
  return jobs.map((job) => job.service)
}

const items = `# Deploy

## Checks

- [ ] Stack <!-- check: cfn.stack name=api -->
- [ ] Table <!-- check: dynamodb.table name=Sessions region=ap-south-1 -->
- [ ] Secret <!-- check: secret name=db -->
`

describe('the service an AWS check counts against', () => {
  it('is the directive region, else the front matter region', () => {
    const withVars = `---\nvars:\n  region: eu-west-1\n---\n${items}`
    assert.deepEqual(servicesOf(withVars, { AWS_REGION: 'us-east-1' }), [
      'aws:cloudformation:eu-west-1',
      'aws:dynamodb:ap-south-1',
      'aws:secretsmanager:eu-west-1',
    ])
  })

  it('else AWS_REGION, AWS_DEFAULT_REGION, or the profile default', () => {
    assert.deepEqual(
      servicesOf(items, { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'x' })[0],
      'aws:cloudformation:us-east-1',
    )
    assert.deepEqual(
      servicesOf(items, { AWS_DEFAULT_REGION: 'us-west-2' })[2],
      'aws:secretsmanager:us-west-2',
    )
    assert.deepEqual(servicesOf(items, {})[0], 'aws:cloudformation:default')
  })
})
