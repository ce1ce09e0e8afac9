/**
 * The reference for the wizard's first frame: the smallest interactive Ink app,
 * one line of text and a key handler (so stdin goes raw, as in the wizard).
 * The start-up bench bundles it with the wizard's own esbuild options (from
 * the same ink and react), so both pay the same way for loading. `q` quits.
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
