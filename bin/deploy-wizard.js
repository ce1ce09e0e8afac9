#!/usr/bin/env node
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(`deploy-wizard needs Node.js 22 or newer; this is ${process.version}.\n`)
  process.exit(2)
}
await import('../dist/cli.js')
