import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { checklistOf, runChecklist } from '../helpers/checks.ts'

const JWT = 'k3Jm9QpX2vR7tW4yZ8aB1cD5eF6gH0iL3nO7sU9wA2b4'
const FILE_SECRET = 'file-held-value-7Hq2Wm9Zx4Lp8Rt3'
const OTHER_FILE_VALUE = 'xyzzy-plugh-1234-5678'
const DB_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/db-Ab12Cd'
const WEBHOOK_SECRET = 'whsec-4Tq8Zm2Xp6Lr9Vn3'

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dw-env-file-'))
  await writeFile(
    join(dir, '.env.api'),
    [
      '# api settings',
      `SIGNING_VALUE=${FILE_SECRET}`,
      `SENTRY_HOOK="${OTHER_FILE_VALUE}"`,
      'DATABASE_URL=postgres://db.internal:5432/app',
      'EMPTY_ONE=',
      'LOG_FORMAT=json',
      '',
    ].join('\n'),
  )
  await writeFile(
    join(dir, '.env.aws'),
    `DB_SECRET_ARN=${DB_SECRET_ARN}\nWEBHOOK_SECRET=${WEBHOOK_SECRET}\n`,
  )
  await writeFile(join(dir, 'config.yml'), 'replicas: 2\nimage: api:1.4.0\n')
  await mkdir(join(dir, 'migrations'))
})
after(() => rm(dir, { recursive: true, force: true }))

async function run(markdown: string, processEnv: Record<string, string> = {}) {
  return runChecklist(markdown, { cwd: dir, processEnv })
}

/** The value is in no event, and nothing had to be masked: the check never printed it. */
function assertNeverShown(everything: string, value: string): void {
  assert.equal(everything.includes(value), false, 'the value reached an output')
  assert.equal(everything.includes('***'), false, 'the value was printed and had to be masked')
}

describe('env', () => {
  it('passes when the variable is set and long enough, showing only its length', async () => {
    const checked = await run(
      checklistOf('env name=JWT_SECRET min-length=32 not=changeme,secret'),
      {
        JWT_SECRET: JWT,
      },
    )
    const result = checked.result()
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, `JWT_SECRET is set (${JWT.length} characters)`)
    assert.deepEqual(result.evidence, {
      name: 'JWT_SECRET',
      source: 'environment',
      length: JWT.length,
    })
    assert.equal(checked.everything.includes(JWT), false)
  })

  it('reads a key of a dotenv file, relative to the checklist folder', async () => {
    const checked = await run(checklistOf('env name=SIGNING_VALUE file=.env.api min-length=32'))
    const result = checked.result()
    assert.equal(result.status, 'pass')
    assert.equal(
      result.summary,
      `SIGNING_VALUE is set in .env.api (${FILE_SECRET.length} characters)`,
    )
    assertNeverShown(checked.everything, FILE_SECRET)
  })

  it('fails when the variable is not set, or empty', async () => {
    const unset = (await run(checklistOf('env name=JWT_SECRET'))).result()
    assert.equal(unset.status, 'fail')
    assert.equal(unset.summary, 'JWT_SECRET is not set')
    const empty = (await run(checklistOf('env name=JWT_SECRET'), { JWT_SECRET: '' })).result()
    assert.equal(empty.status, 'fail')
    assert.equal(empty.summary, 'JWT_SECRET is empty')
    const notInFile = (await run(checklistOf('env name=JWT_SECRET file=.env.api'))).result()
    assert.equal(notInFile.summary, 'JWT_SECRET is not set in .env.api')
    const emptyInFile = (await run(checklistOf('env name=EMPTY_ONE file=.env.api'))).result()
    assert.equal(emptyInFile.summary, 'EMPTY_ONE is empty in .env.api')
  })

  it('fails when the dotenv file does not exist', async () => {
    const result = (await run(checklistOf('env name=JWT_SECRET file=.env.missing'))).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, '.env.missing does not exist')
  })

  const failures = [
    {
      reason: 'too short',
      directive: 'env name=APP_KEY_VALUE min-length=32',
      name: 'APP_KEY_VALUE',
      value: 'short-value1',
      summary: 'APP_KEY_VALUE is 12 characters (at least 32 required)',
    },
    {
      reason: 'a default value',
      directive: 'env name=APP_KEY_VALUE not=changeme,replace-me-please',
      name: 'APP_KEY_VALUE',
      value: 'replace-me-please',
      summary: 'APP_KEY_VALUE is one of the default values',
    },
    {
      reason: 'holding forbidden text',
      directive: 'env name=CORS_ORIGINS not-contains=*',
      name: 'CORS_ORIGINS',
      value: 'https://app.example.com,*',
      summary: "CORS_ORIGINS contains '*'",
    },
    {
      reason: 'not matching',
      directive: `env name=APP_KEY_VALUE matches='^[A-Za-z0-9+/]{40,}$'`,
      name: 'APP_KEY_VALUE',
      value: 'plain-words-here',
      summary: 'APP_KEY_VALUE does not match /^[A-Za-z0-9+/]{40,}$/',
    },
    {
      // JavaScript's backtracking took over a minute on this, ignoring keys and Ctrl-C.
      reason: 'not matching a pattern that backtracks for minutes in JavaScript',
      directive: `env name=APP_KEY_VALUE matches='^(a|a)+$'`,
      name: 'APP_KEY_VALUE',
      value: `${'a'.repeat(30)}!`,
      summary: 'APP_KEY_VALUE does not match /^(a|a)+$/',
    },
    {
      reason: 'not the expected value',
      directive: 'env name=NODE_ENV equals=production',
      name: 'NODE_ENV',
      value: 'development',
      summary: "NODE_ENV is not 'production'",
    },
  ]
  for (const { reason, directive, name, value, summary } of failures) {
    it(`fails when the value is ${reason}, without showing it`, async () => {
      const checked = await run(checklistOf(directive), { [name]: value })
      const result = checked.result()
      assert.equal(result.status, 'fail')
      assert.equal(result.summary, summary)
      assert.deepEqual(result.details, [summary])
      assertNeverShown(checked.everything, value)
    })
  }

  it('lists every unmet requirement', async () => {
    const checked = await run(
      checklistOf('env name=APP_KEY_VALUE min-length=32 not=changeme not-contains=ch'),
      {
        APP_KEY_VALUE: 'changeme',
      },
    )
    assert.deepEqual(checked.result().details, [
      'APP_KEY_VALUE is 8 characters (at least 32 required)',
      'APP_KEY_VALUE is one of the default values',
      "APP_KEY_VALUE contains 'ch'",
    ])
    assertNeverShown(checked.everything, 'changeme')
  })

  it('hands a secret it learns (asked for a min-length) to the redactor, so later output masks it', async () => {
    const markdown = [
      '# Test',
      '',
      '## Checks',
      '',
      '- [ ] Signing value <!-- check: env name=SIGNING_VALUE file=.env.api min-length=16; id: signing -->',
      '- [ ] Print the file <!-- check: command run="cat .env.api"; needs: signing -->',
      '',
    ].join('\n')
    const checked = await runChecklist(markdown, {
      cwd: dir,
      processEnv: { PATH: process.env.PATH },
    })
    const printed = checked.result('print')
    assert.equal(printed.status, 'pass')
    assert.ok((printed.evidence?.output as string[] | undefined)?.includes('SIGNING_VALUE=***'))
    assert.equal(checked.everything.includes(FILE_SECRET), false)
  })

  it('leaves an ARN readable in other output, whatever its name says, and masks a secret by its name', async () => {
    const markdown = [
      '# Test',
      '',
      '## Checks',
      '',
      '- [ ] Its ARN <!-- check: env name=DB_SECRET_ARN file=.env.aws; id: arn -->',
      '- [ ] Webhook <!-- check: env name=WEBHOOK_SECRET file=.env.aws; id: webhook -->',
      // The values alone, without the NAME= that would be masked by its shape anyway.
      '- [ ] Print them <!-- check: command run="cut -d= -f2- .env.aws"; needs: arn, webhook -->',
      '',
    ].join('\n')
    const checked = await runChecklist(markdown, {
      cwd: dir,
      processEnv: { PATH: process.env.PATH },
    })
    assert.deepEqual(checked.result('print').evidence?.output, [DB_SECRET_ARN, '***'])
    assert.equal(checked.everything.includes(WEBHOOK_SECRET), false)
  })

  it('leaves a plain setting readable in other output: masking json would garble it', async () => {
    const markdown = [
      '# Test',
      '',
      '## Checks',
      '',
      '- [ ] JSON logs <!-- check: env name=LOG_FORMAT file=.env.api equals=json; id: format -->',
      '- [ ] Print the file <!-- check: command run="cat .env.api"; needs: format -->',
      '',
    ].join('\n')
    const checked = await runChecklist(markdown, {
      cwd: dir,
      processEnv: { PATH: process.env.PATH },
    })
    assert.equal(checked.result('format').status, 'pass')
    const output = checked.result('print').evidence?.output as string[] | undefined
    assert.ok(output?.includes('LOG_FORMAT=json'), String(output))
  })
})

describe('file', () => {
  it('passes when the file exists, with its size and modification time as evidence', async () => {
    const result = (await run(checklistOf('file path=config.yml'))).result()
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, 'config.yml exists (29 bytes)')
    const info = await stat(join(dir, 'config.yml'))
    assert.deepEqual(result.evidence, { size: 29, modified: info.mtime.toISOString() })
  })

  it('passes for a folder', async () => {
    const result = (await run(checklistOf('file path=migrations'))).result()
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, 'migrations exists (a folder)')
  })

  it('fails when the file does not exist', async () => {
    const result = (await run(checklistOf('file path=docker-compose.yml'))).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'docker-compose.yml does not exist')
  })

  it('passes when the file contains the text, and fails when not', async () => {
    const found = (
      await run(checklistOf('file path=config.yml contains="image: api:1.4"'))
    ).result()
    assert.equal(found.status, 'pass')
    assert.equal(found.summary, "config.yml contains 'image: api:1.4'")
    const missing = await run(checklistOf('file path=config.yml contains="replicas: 3"'))
    assert.equal(missing.result().status, 'fail')
    assert.equal(missing.result().summary, "config.yml does not contain 'replicas: 3'")
    assert.equal(missing.everything.includes('replicas: 2'), false, 'the contents were shown')
  })

  it('passes when a dotenv file defines the keys', async () => {
    const checked = await run(checklistOf('file path=.env.api keys=DATABASE_URL,SENTRY_HOOK'))
    assert.equal(checked.result().status, 'pass')
    assert.equal(checked.result().summary, '.env.api defines DATABASE_URL, SENTRY_HOOK')
    assertNeverShown(checked.everything, OTHER_FILE_VALUE)
  })

  it('fails naming each key missing or empty, never showing the values', async () => {
    const checked = await run(
      checklistOf('file path=.env.api keys=SENTRY_HOOK,KAFKA_BROKERS,EMPTY_ONE contains=REDIS_URL'),
    )
    const result = checked.result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      ".env.api does not contain 'REDIS_URL'",
      'KAFKA_BROKERS is not defined in .env.api',
      'EMPTY_ONE is empty in .env.api',
    ])
    assertNeverShown(checked.everything, OTHER_FILE_VALUE)
    assertNeverShown(checked.everything, FILE_SECRET)
  })

  it('is an error to look inside a folder', async () => {
    const result = (await run(checklistOf('file path=migrations contains=CREATE'))).result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'migrations is a folder, not a file')
  })
})

describe('files that are not files', () => {
  it('a device (/dev/zero) is refused before anything is read, by file and by env', async () => {
    const contains = (await run(checklistOf('file path=/dev/zero contains=x'))).result()
    assert.equal(contains.status, 'error')
    assert.equal(contains.summary, '/dev/zero is a device, not a file to read')
    const env = (await run(checklistOf('env name=X file=/dev/zero'))).result()
    assert.equal(env.status, 'error')
    assert.equal(env.summary, '/dev/zero is a device, not a dotenv file')
  })

  it('a FIFO nobody writes to is refused rather than waited on', async () => {
    const fifo = join(dir, 'never.fifo')
    const { execFileSync } = await import('node:child_process')
    execFileSync('mkfifo', [fifo])
    try {
      const result = (await run(checklistOf(`env name=X file=${fifo}`))).result()
      assert.equal(result.status, 'error')
      assert.match(result.summary, /is a pipe, not a dotenv file/)
    } finally {
      await rm(fifo, { force: true })
    }
  })

  it('a dotenv file past the read limit is an error, not a read without end', async () => {
    const { MAX_READ_BYTES, readTextFile } = await import('../../src/checks/read-file.ts')
    const big = join(dir, 'big.env')
    await writeFile(big, `A=${'x'.repeat(2048)}\n`)
    try {
      const read = await readTextFile(big, new AbortController().signal, 1024)
      assert.equal(read.kind, 'too-large')
      assert.ok(MAX_READ_BYTES >= 1024 * 1024)
      assert.equal((await readTextFile(big, new AbortController().signal)).kind, 'text')
    } finally {
      await rm(big, { force: true })
    }
  })
})
