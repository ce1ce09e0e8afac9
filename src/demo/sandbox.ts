/**
 * Everything the demo checklist checks, on this machine, for as long as the
 * demo runs: a project folder (the checklist, `.env.api`, a test script), the
 * "Demo Shop" API, a cache that accepts connections, and an AWS account (see
 * aws.ts). Nothing leaves 127.0.0.1; the folder is removed at exit.
 *
 * Two things are wrong on purpose, so the operator sees what a failure looks
 * like: the Carts table has no TTL, and the API is not ready yet (503).
 */
import { randomBytes } from 'node:crypto'
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer, type Server } from 'node:http'
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
} from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../package-root.ts'
import { startDemoAws } from './aws.ts'

/** The demo checklist, shipped in the package's `demo/` folder. */
export const DEMO_CHECKLIST = join(PACKAGE_ROOT, 'demo', 'demo-shop.md')

export interface DemoSandbox {
  /** The project folder: run the checks from here. */
  readonly project: string
  /** The checklist, copied into the project: its name there (the project is the current folder). */
  readonly checklist: string
  /** Settings for the checks (AWS endpoint and dummy credentials, ports, the API token). */
  readonly env: Readonly<Record<string, string>>
  /** Stops the services and removes the folder. */
  close(): Promise<void>
  /** Removes the folder now (for a process that is exiting and cannot wait). */
  removeFolder(): void
}

/** The sandbox folders' names start so in the system's temporary folder. */
const PREFIX = 'deploy-wizard-demo-'
/** In a sandbox folder: the id of the process it belongs to, for a later demo to tell it is stale. */
const OWNER_FILE = 'owner.pid'

export async function startDemoSandbox(): Promise<DemoSandbox> {
  // What an earlier demo killed with -9 left (its `.env.api` included) goes first.
  removeStaleSandboxes(tmpdir())
  const dir = mkdtempSync(join(tmpdir(), PREFIX))
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`, { flag: 'wx', mode: 0o600 })
  const project = join(dir, 'demo-shop')
  const closers: (() => Promise<void>)[] = []
  const removeFolder = () => rmSync(dir, { recursive: true, force: true })
  const close = async () => {
    for (const closer of closers.splice(0)) await closer().catch(() => {})
    removeFolder()
  }
  try {
    const token = randomBytes(24).toString('base64url')
    const api = await listen(
      createServer((req, res) => {
        const reply = (status: number, body: unknown, delayMs: number) =>
          setTimeout(() => {
            res.writeHead(status, { 'content-type': 'application/json' })
            res.end(JSON.stringify(body))
          }, delayMs)
        if (req.url === '/health') reply(200, { status: 'ok', version: '1.8.2' }, 600)
        else if (req.url === '/health/ready')
          reply(503, { status: 'warming up', searchIndex: 'building (62%)' }, 1_200)
        else if (req.url === '/admin') {
          const authorised = req.headers.authorization === `Bearer ${token}`
          if (authorised) reply(200, { admin: true }, 300)
          else reply(401, { error: 'missing or invalid token' }, 300)
        } else reply(404, { error: 'not found' }, 50)
      }),
    )
    closers.push(() => api.close())
    const cache = await listen(createNetServer((socket) => socket.on('error', () => {}).resume()))
    closers.push(() => cache.close())
    const aws = await startDemoAws({
      delayMs: 700,
      stacks: [{ name: 'DemoShop-dev', outputs: { ApiUrl: api.url, Region: 'us-east-1' } }],
      tables: [
        { name: 'Orders-dev', key: 'orderId', gsi: ['by-customer'], ttl: 'expiresAt' },
        { name: 'Carts-dev', key: 'cartId', gsi: [], ttl: null },
      ],
      secrets: ['demo-shop/dev/db'],
    })
    closers.push(() => aws.close())
    const freePort = await findFreePort()

    mkdirSync(join(project, 'scripts'), { recursive: true })
    const checklist = 'DEPLOY_CHECKLIST.md'
    copyFileSync(DEMO_CHECKLIST, join(project, checklist))
    writeFileSync(
      join(project, '.env.api'),
      [
        'DATABASE_URL=postgres://shop@db.demo-shop.internal:5432/shop',
        `JWT_SECRET=${randomBytes(32).toString('base64url')}`,
        `CACHE_URL=redis://127.0.0.1:${cache.port}`,
        '',
      ].join('\n'),
    )
    writeFileSync(
      join(project, 'scripts', 'test.mjs'),
      [
        '// The demo project\'s "unit tests": take a moment, then pass.',
        "setTimeout(() => console.log('42 passed, 0 failed'), 2000)",
        '',
      ].join('\n'),
    )
    return {
      project,
      checklist,
      env: {
        DEMO_CACHE_PORT: String(cache.port),
        DEMO_FREE_PORT: String(freePort),
        DEMO_API_TOKEN: token,
        // The demo account, and nothing of the operator's own AWS set-up.
        AWS_ENDPOINT_URL: aws.url,
        // Long enough that masking them (they look like secrets) hides nothing else.
        AWS_ACCESS_KEY_ID: 'AKIADEPLOYWIZARDDEMO',
        AWS_SECRET_ACCESS_KEY: randomBytes(30).toString('base64url'),
        AWS_REGION: 'us-east-1',
        AWS_CONFIG_FILE: join(dir, 'aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        // Runs and trust of the demo stay in the demo's folder.
        DEPLOY_WIZARD_HOME: join(dir, 'home'),
      },
      close,
      removeFolder,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/**
 * Removes the sandbox folders in `tmp` whose demo is gone (killed, so it could not clean
 * up): this user's own folders only, never one reached through a symlink, and never one
 * whose process still runs (a demo in another terminal).
 */
export function removeStaleSandboxes(tmp: string): void {
  let names: string[]
  try {
    names = readdirSync(tmp)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue
    const dir = join(tmp, name)
    try {
      const folder = lstatSync(dir)
      if (!folder.isDirectory() || folder.uid !== process.getuid?.()) continue
      const owner = lstatSync(join(dir, OWNER_FILE))
      if (!owner.isFile() || owner.size > 32) continue
      const pid = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim())
      if (!Number.isSafeInteger(pid) || pid <= 0 || isAlive(pid)) continue
      rmSync(dir, { recursive: true, force: true })
    } catch {
      // Not a sandbox (no owner file), or gone already: left alone.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, as someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

interface Listening {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

async function listen(server: Server | NetServer): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A port nothing listens on right now, for the "port is free" check. */
async function findFreePort(): Promise<number> {
  const probe = await listen(createNetServer())
  await probe.close()
  return probe.port
}
