/**
 * Against what operators do today: the AWS CLI commands that verify the ten
 * DynamoDB items of the session-management checklist ("Task 13.1"), run one
 * after another as an operator would, against `deploy-wizard check --only`
 * those ten items, both against the same moto_server (started here on a free
 * port, tables created with the AWS SDK, stopped at the end).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BIN,
  freePort,
  interleave,
  isMain,
  NODE,
  ROOT,
  report,
  row,
  sleep,
  timeRun,
} from './lib.mjs'

const MOTO = process.env.MOTO_SERVER ?? '/root/.pyenv/shims/moto_server'
const CHECKLIST = join(ROOT, 'checklists', 'session-management-websocket.md')
const REGION = 'us-east-1'
const TABLES = ['Sessions-dev', 'Connections-dev', 'RateLimits-dev']

async function startMoto() {
  const port = await freePort()
  const child = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
    detached: true,
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(`${url}/moto-api/`)
      return { url, child }
    } catch {
      await sleep(100)
    }
  }
  process.kill(-child.pid, 'SIGTERM')
  throw new Error('moto_server did not start')
}

async function createTables(endpoint) {
  const ddb = await import('@aws-sdk/client-dynamodb')
  const client = new ddb.DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  })
  const key = (name) => ({
    AttributeDefinitions: [{ AttributeName: name, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: name, KeyType: 'HASH' }],
  })
  await client.send(
    new ddb.CreateTableCommand({
      TableName: 'Sessions-dev',
      BillingMode: 'PAY_PER_REQUEST',
      ...key('sessionId'),
    }),
  )
  await client.send(
    new ddb.CreateTableCommand({
      TableName: 'Connections-dev',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'connectionId', AttributeType: 'S' },
        { AttributeName: 'sessionId', AttributeType: 'S' },
        { AttributeName: 'targetLanguage', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'connectionId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'sessionId-targetLanguage-index',
          KeySchema: [
            { AttributeName: 'sessionId', KeyType: 'HASH' },
            { AttributeName: 'targetLanguage', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  )
  await client.send(
    new ddb.CreateTableCommand({
      TableName: 'RateLimits-dev',
      BillingMode: 'PAY_PER_REQUEST',
      ...key('key'),
    }),
  )
  for (const [table, attribute] of [
    ['Sessions-dev', 'expiresAt'],
    ['Connections-dev', 'ttl'],
    ['RateLimits-dev', 'expiresAt'],
  ]) {
    await client.send(
      new ddb.UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { Enabled: true, AttributeName: attribute },
      }),
    )
  }
  client.destroy()
}

/** The commands an operator runs to verify the ten items: the checklist's own, completed per table. */
function operatorCommands(endpoint) {
  const common = ['--region', REGION, '--endpoint-url', endpoint]
  return [
    ['aws', 'dynamodb', 'list-tables', ...common],
    ...TABLES.flatMap((table) => [
      ['aws', 'dynamodb', 'describe-table', '--table-name', table, ...common],
      ['aws', 'dynamodb', 'describe-time-to-live', '--table-name', table, ...common],
    ]),
  ]
}

export async function run({ reps = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-aws-'))
  const moto = await startMoto()
  try {
    await createTables(moto.url)
    const env = {
      ...process.env,
      NO_COLOR: '1',
      DEPLOY_WIZARD_HOME: join(dir, 'home'),
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_CONFIG_FILE: join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    }
    const plan = JSON.parse(
      (await timeRun([NODE, BIN, 'plan', CHECKLIST, '--env', 'dev', '--json'], { env })).stdout,
    )
    const ids = []
    const walk = (node) => {
      for (const item of node.items ?? [])
        if (item.check?.kind === 'dynamodb.table') ids.push(item.id)
      for (const child of [...(node.sections ?? []), ...(node.phases ?? [])]) walk(child)
    }
    walk(plan)
    const commands = operatorCommands(moto.url)
    let failures = 0
    const sequential = async () => {
      const started = performance.now()
      for (const argv of commands) {
        const r = await timeRun(argv, { env })
        if (r.code !== 0) failures++
      }
      return performance.now() - started
    }
    const check = () =>
      timeRun([NODE, BIN, 'check', CHECKLIST, '--env', 'dev', '--only', ids.join(',')], { env }).then(
        (r) => {
          if (r.code !== 0) failures++
          return r.ms
        },
      )
    const result = await interleave(sequential, check, { reps, warmup: 1 })
    const rows = [
      row(
        `\`check\` of the ${ids.length} DynamoDB items vs ${commands.length} AWS CLI commands in a row`,
        result.subject,
        result.ref,
        null,
      ),
    ]
    const notes = [
      `operator: \`aws dynamodb list-tables\`, then \`describe-table\` and \`describe-time-to-live\` for each of ${TABLES.join(', ')} (AWS CLI v1), one after another — the least that verifies all ${ids.length} items, without reading the output`,
      `both against one moto_server on a free port; medians of ${reps} interleaved runs${failures ? `; ${failures} runs failed` : ''}`,
    ]
    return report('Against the AWS CLI', rows, notes)
  } finally {
    try {
      process.kill(-moto.child.pid, 'SIGTERM')
    } catch {}
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) await run()
