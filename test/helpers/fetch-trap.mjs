/**
 * `node --import ./test/helpers/fetch-trap.mjs …`: the first time the process
 * reads the global `fetch` (even `typeof fetch`), writes `fetch` to the file
 * named by FETCH_TRAP_FILE. Reading it is what makes Node load undici, so a
 * launch that leaves no file never paid for it.
 */
import { appendFileSync } from 'node:fs'

const file = process.env.FETCH_TRAP_FILE
const original = Object.getOwnPropertyDescriptor(globalThis, 'fetch')
if (file && original) {
  Object.defineProperty(globalThis, 'fetch', {
    configurable: true,
    enumerable: original.enumerable ?? false,
    get() {
      appendFileSync(file, 'fetch\n')
      return original.get ? original.get.call(globalThis) : original.value
    },
    set(value) {
      Object.defineProperty(globalThis, 'fetch', { value, writable: true, configurable: true })
    },
  })
}
