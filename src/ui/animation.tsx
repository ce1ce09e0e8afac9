/**
 * One animation clock for the whole screen. Ink gives each `useAnimation` its
 * own phase, so fifty spinners and clocks started at different moments redraw
 * the screen at fifty different moments; every redraw lays out and measures the
 * whole screen. Here one timer ticks, only while something runs, and only the
 * components that read the tick (spinners, running clocks) render again.
 */
import { useAnimation } from 'ink'
import { createContext, type ReactNode, use } from 'react'
import { SPINNER_INTERVAL_MS } from './theme.ts'

const Tick = createContext(0)

export function AnimationTick({
  isActive,
  children,
}: {
  readonly isActive: boolean
  readonly children: ReactNode
}) {
  const { frame } = useAnimation({ interval: SPINNER_INTERVAL_MS, isActive })
  return <Tick value={frame}>{children}</Tick>
}

/** The current tick: a component that reads it renders again on every tick. */
export function useTick(): number {
  return use(Tick)
}
