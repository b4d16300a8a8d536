/**
 * What a persistent sequence (an Effect `Chunk`) would cost as the value of
 * a growing open array, against the fresh frozen plain array per delta that
 * `parsed` is now: 15 deltas per item, one value per delta, as in the bench's
 * toolArray case (2,730 items for 200 KB). Plain arrays cost the sum of the
 * widths (quadratic), a `Chunk` about the same per delta at any width.
 * Evidence for the decision "parsed values are plain frozen JSON" (README).
 *
 *   npx tsx scratchpad/persistent-array-bench.ts
 */
import { Chunk } from "effect"
const deltasFor = (items: number) => items * 15
export let sink: unknown
const plain = (items: number) => {
  const finished: Array<unknown> = []
  const perItem = deltasFor(items) / items
  for (let i = 0; i < items; i++) {
    for (let d = 0; d < perItem; d++) sink = Object.freeze(finished.concat([{ i, d }]))
    finished.push(Object.freeze({ i }))
  }
}
const chunked = (items: number) => {
  let finished = Chunk.empty<unknown>()
  const perItem = deltasFor(items) / items
  for (let i = 0; i < items; i++) {
    for (let d = 0; d < perItem; d++) sink = Chunk.append(finished, { i, d })
    finished = Chunk.append(finished, Object.freeze({ i }))
  }
}
const time = (f: () => void) => { for (let w = 0; w < 2; w++) f(); const t = performance.now(); f(); return performance.now() - t }
for (const items of [1365, 2730, 5460]) {
  console.log(`${items} items, ${deltasFor(items)} deltas: plain ${time(() => plain(items)).toFixed(0)} ms, Chunk ${time(() => chunked(items)).toFixed(0)} ms`)
}
