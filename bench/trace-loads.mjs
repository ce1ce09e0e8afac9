/**
 * `node --import ./bench/trace-loads.mjs …`: appends every module URL the
 * process loads to the file named by BENCH_TRACE_FILE, as it loads, so a
 * process killed mid-way still leaves the list of what it had loaded by then.
 */
import { appendFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const file = process.env.BENCH_TRACE_FILE
if (file) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(file, `${url}\n`)
      return nextLoad(url, context)
    },
  })
}
