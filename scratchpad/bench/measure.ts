/**
 * Timing and memory helpers.
 */
import { runInNewContext } from "node:vm"
import * as v8 from "node:v8"

/**
 * `global.gc` when node runs with `--expose-gc`; otherwise the flag is set at
 * run time and the function taken from a fresh context (works on Node 20).
 */
export const gc: (() => void) | undefined = (() => {
  const g = (globalThis as { gc?: () => void }).gc
  if (typeof g === "function") return g
  try {
    v8.setFlagsFromString("--expose-gc")
    const f = runInNewContext("gc") as unknown
    return typeof f === "function" ? (f as () => void) : undefined
  } catch {
    return undefined
  }
})()

export const fullGc = (): void => {
  if (gc !== undefined) {
    gc()
    gc()
  }
}

export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

export interface Sample {
  /** Wall-clock ms. */
  readonly wall: number
  /** Process CPU ms (user + system, all threads: includes concurrent GC work). */
  readonly cpu: number
}

/** Times one run after a full GC: wall clock and process CPU time. */
export const time = async (f: () => unknown): Promise<Sample> => {
  fullGc()
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  await f()
  const wall = performance.now() - t0
  const c = process.cpuUsage(c0)
  return { wall, cpu: (c.user + c.system) / 1000 }
}

export const exponent = (t1: number, t2: number, n1: number, n2: number): number =>
  Math.log(t2 / t1) / Math.log(n2 / n1)
