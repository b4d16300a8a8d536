/**
 * Effect's stream runtime, without this library: how much garbage collection
 * a consumer costs on a stream whose elements are large and freshly
 * allocated (like `parsed` arrays of a tool call writing a long list).
 *
 * 861 upstream reads, 95 elements each, every element a fresh frozen array of
 * 1,365 pointers (the average open array of the bench's toolArray 200 KiB).
 * Each consumer runs in a process of its own, 3 runs after 2 warm-ups:
 *
 *   npx tsx scratchpad/bench/effect-gc.ts            all consumers
 *   npx tsx scratchpad/bench/effect-gc.ts forEach    one
 *
 * On this machine a consumer that runs an Effect per element or per chunk
 * often spends 5–10x more in GC than one that reads the chunk in a plain
 * loop, and which one it hits varies from process to process: old-space
 * grows by most of what is allocated between two full collections, so
 * elements are being promoted although nothing keeps them. `Stream.toPull`
 * in a loop, and `Effect.forEach` over a plain array, do not show it.
 */
import { execFileSync } from "node:child_process"
import { PerformanceObserver } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { Chunk, Effect, Stream } from "effect"

const READS = 861
const PER_READ = 95
const base = Array.from({ length: 1365 }, (_, i) => ({ i }))

const make = () =>
  Stream.fromIteratorSucceed(Array.from({ length: READS }, (_, i) => i)[Symbol.iterator]() as IterableIterator<number>, 1)
    .pipe(Stream.mapChunks(() => {
      const out: Array<unknown> = []
      for (let k = 0; k < PER_READ; k++) out.push(Object.freeze(base.slice()))
      return Chunk.unsafeFromArray(out)
    }))

let sink: unknown

const consumers: Record<string, { readonly what: string; readonly run: () => Promise<unknown> }> = {
  loop: {
    what: "Stream.runForEachChunk(c => { for (e of c) …; return Effect.void })",
    run: () =>
      Effect.runPromise(Stream.runForEachChunk(make(), (c) => {
        for (const e of c) sink = e
        return Effect.void
      }))
  },
  fold: { what: "Stream.runFold((_, e) => e)", run: () => Effect.runPromise(Stream.runFold(make(), 0 as unknown, (_, e) => e)) },
  pull: {
    what: "Stream.toPull, a loop over the chunks",
    run: () =>
      Effect.runPromise(Effect.scoped(Effect.gen(function*() {
        const pull = yield* Stream.toPull(make())
        while (true) {
          const next = yield* Effect.either(pull)
          if (next._tag === "Left") break
          for (const e of next.right) sink = e
        }
      })))
  },
  chunkSync: {
    what: "Stream.runForEachChunk(c => Effect.sync(() => for (e of c) …))",
    run: () =>
      Effect.runPromise(Stream.runForEachChunk(make(), (c) =>
        Effect.sync(() => {
          for (const e of c) sink = e
        })))
  },
  forEach: {
    what: "Stream.runForEach(e => Effect.sync(() => …))",
    run: () => Effect.runPromise(Stream.runForEach(make(), (e) => Effect.sync(() => void (sink = e))))
  },
  plain: {
    what: "Effect.forEach over a plain array, the same allocations, no Stream",
    run: () =>
      Effect.runPromise(Effect.forEach(Array.from({ length: READS * PER_READ }), () =>
        Effect.sync(() => void (sink = Object.freeze(base.slice()))), { discard: true }))
  }
}

const [name, child] = process.argv.slice(2)
if (child === "--child") {
  let gcMs = 0
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration
  }).observe({ entryTypes: ["gc"] })
  const run = consumers[name].run
  await run()
  await run()
  const out: Array<string> = []
  for (let i = 0; i < 3; i++) {
    gcMs = 0
    const c0 = process.cpuUsage()
    await run()
    const c = process.cpuUsage(c0)
    await new Promise((resolve) => setTimeout(resolve, 10))
    out.push(`${((c.user + c.system) / 1000).toFixed(0)}/${gcMs.toFixed(0)}`)
  }
  process.stdout.write(out.join("  "))
} else {
  const self = fileURLToPath(import.meta.url)
  console.log("CPU ms / GC ms of 3 runs, each consumer in a process of its own")
  for (const [key, { what }] of Object.entries(consumers)) {
    if (name !== undefined && key !== name) continue
    const out = execFileSync(process.execPath, [...process.execArgv, self, key, "--child"], { encoding: "utf8" })
    console.log(`  ${key.padEnd(10)} ${out.padEnd(30)} ${what}`)
  }
}
void sink
