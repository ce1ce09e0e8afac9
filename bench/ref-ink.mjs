/**
 * The reference for the wizard's first frame: the smallest interactive Ink app,
 * one line of text and a key handler (so stdin goes raw, as in the wizard).
 * Plain ESM, no build step, loading ink and react from the same node_modules
 * the wizard uses. `q` quits.
 */
import { render, Text, useApp, useInput } from 'ink'
import { createElement } from 'react'

function Reference() {
  const { exit } = useApp()
  useInput((input) => {
    if (input === 'q') exit()
  })
  return createElement(Text, null, 'reference ready')
}

render(createElement(Reference))
