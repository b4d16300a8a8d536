/**
 * What the way a program consumes the events costs: the same events stream,
 * every event's `snapshot` / `parsed` / `parsedArguments` read, by five
 * consumers. Each consumer runs in a process of its own (one process's heap
 * state moves the others' numbers), 2 warm-ups, median CPU ms of 7 runs.
 *
 *   npx tsx --expose-gc scratchpad/bench/consumers.ts [toolString:200 content:20000 ...]
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Effect, Stream } from "effect"
import * as ChatStream from "../../src/ChatStream.js"
import { bytesOf, touch } from "./contestants.js"
import { type CaseKind, generate } from "./generate.js"
import { fullGc, median } from "./measure.js"

type Consumer = (pieces: ReadonlyArray<Uint8Array>) => Promise<unknown>

let sink: unknown
const events = (pieces: ReadonlyArray<Uint8Array>) => ChatStream.events(bytesOf(pieces))

const consumers: Record<string, { readonly what: string; readonly run: Consumer }> = {
  drain: { what: "Stream.runDrain (reads nothing)", run: (p) => Effect.runPromise(Stream.runDrain(events(p))) },
  runFold: {
    what: "Stream.runFold((_, e) => touch(e))",
    run: (p) => Effect.runPromise(Stream.runFold(events(p), undefined as unknown, (_, e) => touch(e)))
  },
  chunkDirect: {
    what: "Stream.runForEachChunk(chunk => { touch each; return Effect.void })",
    run: (p) =>
      Effect.runPromise(Stream.runForEachChunk(events(p), (chunk) => {
        for (const e of chunk) sink = touch(e)
        return Effect.void
      }))
  },
  chunkSync: {
    what: "Stream.runForEachChunk(chunk => Effect.sync(() => touch each))",
    run: (p) =>
      Effect.runPromise(Stream.runForEachChunk(events(p), (chunk) =>
        Effect.sync(() => {
          for (const e of chunk) sink = touch(e)
        })))
  },
  forEachSync: {
    what: "Stream.runForEach(e => Effect.sync(() => touch(e)))",
    run: (p) => Effect.runPromise(Stream.runForEach(events(p), (e) => Effect.sync(() => { sink = touch(e) })))
  }
}

const [first, second] = process.argv.slice(2)
if (first === "--child") {
  const [spec, name] = second.split("/")
  const [kind, size] = spec.split(":") as [CaseKind, string]
  const g = generate(kind, Number(size))
  const run = consumers[name].run
  await run(g.pieces)
  await run(g.pieces)
  const xs: Array<number> = []
  for (let i = 0; i < 7; i++) {
    fullGc()
    const c0 = process.cpuUsage()
    await run(g.pieces)
    const c = process.cpuUsage(c0)
    xs.push((c.user + c.system) / 1000)
  }
  process.stdout.write(String(median(xs)))
} else {
  const specs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["toolString:200", "content:20000"]
  const self = fileURLToPath(import.meta.url)
  for (const spec of specs) {
    console.log(spec)
    for (const [name, { what }] of Object.entries(consumers)) {
      const out = execFileSync(process.execPath, [...process.execArgv, self, "--child", `${spec}/${name}`], {
        encoding: "utf8"
      })
      console.log(`  ${name.padEnd(12)} ${Number(out).toFixed(0).padStart(5)} ms  ${what}`)
    }
  }
}
void sink
