#!/usr/bin/env node
import module from 'node:module'

const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(`deploy-wizard needs Node.js 22 or newer; this is ${process.version}.\n`)
  process.exit(2)
}
// Start-up is mostly compiling our ~600-1,200 modules (commander, the markdown stack, zod, conf,
// Ink): V8's code cache, kept by Node in the OS temp folder, skips that on every run after the
// first. Node 22.1+; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.()
// NO_COLOR wins over FORCE_COLOR (README, src/output/terminal.ts). Node is told so before its own
// colour code loads: otherwise it warns that "the 'NO_COLOR' env is ignored", the opposite of what
// happens. chalk, and so Ink, read FORCE_COLOR=0 the same way.
if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0'
await import('../dist/cli.js')
