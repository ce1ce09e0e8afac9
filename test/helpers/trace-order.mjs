/**
 * `node --import ./test/helpers/trace-order.mjs …`: appends to the file named
 * by TRACE_ORDER_FILE, in the order they happen, every module the process
 * loads (`load <url>`) and every write to stdout (`write <its text, escaped as
 * JSON>`), so a test can tell what had loaded when something was drawn.
 */
import { appendFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const file = process.env.TRACE_ORDER_FILE
if (file) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(file, `load ${url}\n`)
      return nextLoad(url, context)
    },
  })
  const write = process.stdout.write
  process.stdout.write = function (chunk, ...rest) {
    appendFileSync(file, `write ${JSON.stringify(String(chunk))}\n`)
    return write.call(this, chunk, ...rest)
  }
}
