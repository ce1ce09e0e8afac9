/**
 * Starts the real backends the tests talk to and stops them afterwards:
 *
 *   moto_server     CloudFormation, DynamoDB and Secrets Manager over the AWS wire protocols
 *   PostgreSQL 15   a throwaway cluster (initdb + pg_ctl) in a temporary directory
 *
 * Their addresses reach the tests as DEPLOY_WIZARD_TEST_MOTO_URL and
 * DEPLOY_WIZARD_TEST_PG_URL. A backend that cannot start stops the whole run:
 * tests never skip for want of one.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { selfSignedCertificate } from '../helpers/certificate.ts'

const run = promisify(execFile)

export interface Backends {
  readonly env: Readonly<Record<string, string>>
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

async function which(names: readonly string[]): Promise<string> {
  for (const name of names) {
    try {
      const { stdout } = await run('sh', ['-c', `command -v ${name}`])
      if (stdout.trim()) return stdout.trim()
    } catch {
      // try the next
    }
  }
  throw new Error(`none of ${names.join(', ')} is installed; the tests need it`)
}

export async function startMoto(): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = await which(['moto_server'])
  const port = await freePort()
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Every ECS service moto creates runs 2 tasks (it starts none of its own): a service
    // desiring 2 is steady, one desiring 3 is still rolling out, one desiring 1 runs too many.
    env: { ...process.env, MOTO_ECS_SERVICE_RUNNING: '2' },
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000)
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`moto_server exited:\n${stderr}`)
    try {
      const response = await fetch(`${url}/moto-api/`)
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error(`moto_server did not start in 30s:\n${stderr}`)
    await sleep(100)
  }
  return { url, stop: () => stopChild(child) }
}

export async function startPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const initdb = await which(['initdb', '/usr/lib/postgresql/15/bin/initdb'])
  const pgCtl = await which(['pg_ctl', '/usr/lib/postgresql/15/bin/pg_ctl'])
  const dir = await mkdtemp(join(tmpdir(), 'deploy-wizard-pg-'))
  const data = join(dir, 'data')
  const port = await freePort()
  // PostgreSQL refuses to run as root; CI containers often are root.
  const asUser =
    process.getuid?.() === 0
      ? [await which(['runuser', '/usr/sbin/runuser', '/sbin/runuser']), '-u', 'postgres', '--']
      : []
  if (asUser.length > 0) {
    await chmod(dir, 0o777)
  }
  const exec = async (argv: string[]) => {
    const [cmd, ...args] = [...asUser, ...argv]
    await run(cmd as string, args, { cwd: dir })
  }
  const password = 'wizard-test-password'
  await writeFile(join(dir, 'pw'), password)
  await chmod(join(dir, 'pw'), 0o644)
  await exec([
    initdb,
    '-D',
    data,
    '-U',
    'wizard',
    '--pwfile',
    join(dir, 'pw'),
    '-A',
    'scram-sha-256',
    '--no-sync',
  ])
  // TLS is on (plain connections still work), so `ssl=require` has a server to pass against.
  // The certificate is self-signed for localhost and 127.0.0.1; tests find it with `SHOW ssl_cert_file`.
  const cert = join(dir, 'server.crt')
  const key = join(dir, 'server.key')
  const pem = await selfSignedCertificate()
  await writeFile(cert, pem.cert)
  // The server refuses a private key others can read, or one it does not own.
  await writeFile(key, pem.key, { mode: 0o600 })
  if (asUser.length > 0) await run('chown', ['postgres', cert, key])
  await exec([
    pgCtl,
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on -c ssl_cert_file=${cert} -c ssl_key_file=${key}`,
    'start',
  ])
  const url = `postgres://wizard:${password}@127.0.0.1:${port}/postgres`
  return {
    url,
    stop: async () => {
      await exec([pgCtl, '-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {})
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await Promise.race([exited, sleep(3000)])
  if (child.exitCode === null) child.kill('SIGKILL')
}

export async function startBackends(): Promise<Backends> {
  const [moto, postgres] = await Promise.all([startMoto(), startPostgres()])
  return {
    env: {
      DEPLOY_WIZARD_TEST_MOTO_URL: moto.url,
      DEPLOY_WIZARD_TEST_PG_URL: postgres.url,
    },
    stop: async () => {
      await Promise.all([moto.stop(), postgres.stop()])
    },
  }
}
