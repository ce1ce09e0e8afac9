/**
 * The reference for the wizard's first frame: the smallest interactive Ink app,
 * one line of text and a key handler (so stdin goes raw, as in the wizard).
 * The start-up bench bundles it with the wizard's own esbuild options (from
 * the same ink and react), so both pay the same way for loading. `q` quits;
 * ↓ redraws the line with a count, the least a key can cost a frame (the
 * rendering bench's reference for keypress → frame).
 */
import { render, Text, useApp, useInput } from 'ink'
import { createElement, useState } from 'react'

function Reference() {
  const { exit } = useApp()
  const [downs, setDowns] = useState(0)
  useInput((input, key) => {
    if (input === 'q') exit()
    if (key.downArrow) setDowns((n) => n + 1)
  })
  return createElement(Text, null, downs ? `reference ready · ↓ ${downs}` : 'reference ready')
}

render(createElement(Reference))
