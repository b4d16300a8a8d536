/**
 * Benchmark: the incremental `PartialJson` parser against re-parsing the
 * accumulated text with `partial-json` after every fragment.
 *
 * Each document is fed in 5-character fragments, asking for the value after
 * every fragment (as the events do) without reading it ("not read": the
 * value is built on first read, so this is the parse alone), and reading it
 * after every fragment ("read": a streaming client that looks at every
 * value; each read copies the open containers). Run with
 * `npx tsx scratchpad/partial-json-bench.ts`.
 */
import { parse as partialJsonParse } from "partial-json"
import { Option } from "effect"
import * as PartialJson from "../src/PartialJson.js"

const FRAGMENT = 5

/** An object with one long string field (escapes and non-ASCII included). */
const longString = (size: number): string => {
  const unit = "Lorem ipsum dolor sit amet, \"quoted\" and \\ back\nslash, café ☕ 😀. "
  let body = ""
  while (body.length < size) body += unit
  return JSON.stringify({ id: "call_1", content: body.slice(0, size) })
}

/** An array of small objects. */
const manyObjects = (size: number): string => {
  const items: Array<unknown> = []
  let length = 2
  for (let i = 0; length < size; i++) {
    const item = { id: i, name: `item ${i}`, price: Math.round(i * 137.31) / 100, tags: ["a", "b"], ok: i % 2 === 0 }
    items.push(item)
    length += JSON.stringify(item).length + 1
  }
  return JSON.stringify(items)
}

/** A tree (depth up to 8): objects with a few fields and a list of children, pretty-printed. */
const nested = (size: number): string => {
  for (let budget = Math.ceil(size / 4000);; budget = Math.ceil(budget * 1.05)) {
    let nodes = 0
    const build = (depth: number): unknown => {
      nodes++
      const fanout = depth === 0 || nodes >= budget ? 0 : 3
      return {
        name: `node ${nodes}`,
        weight: nodes * 1.5e-3,
        tags: { leaf: fanout === 0, depth },
        children: Array.from({ length: fanout }, () => build(depth - 1))
      }
    }
    const text = JSON.stringify(build(8), null, 2)
    if (text.length >= size) return text
  }
}

const fragments = (text: string): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += FRAGMENT) out.push(text.slice(i, i + FRAGMENT))
  return out
}

/** Wall-clock and CPU time (user + system, all threads, GC included) of `f`, in ms. */
const time = (f: () => void): [number, number] => {
  const start = performance.now()
  const cpu = process.cpuUsage()
  f()
  const used = process.cpuUsage(cpu)
  return [performance.now() - start, (used.user + used.system) / 1000]
}

export let sink: unknown = undefined

const incremental = (parts: ReadonlyArray<string>, read = false): unknown => {
  let parser = PartialJson.empty
  let last: Option.Option<unknown> = Option.none()
  for (const part of parts) {
    parser = PartialJson.feed(parser, part)
    last = PartialJson.value(parser)
    if (read) sink = Option.getOrUndefined(last)
  }
  return Option.getOrUndefined(last)
}

const reparse = (parts: ReadonlyArray<string>): unknown => {
  let text = ""
  let last: unknown
  for (const part of parts) {
    text += part
    try {
      last = partialJsonParse(text)
    } catch {
      // partial-json throws on some prefixes
    }
  }
  return last
}

/** The best wall-clock and CPU times of `runs` runs. */
const best = (runs: number, f: () => void): [number, number] => {
  let wall = Infinity
  let cpu = Infinity
  for (let i = 0; i < runs; i++) {
    const [w, c] = time(f)
    wall = Math.min(wall, w)
    cpu = Math.min(cpu, c)
  }
  return [wall, cpu]
}

const documents: ReadonlyArray<[string, (size: number) => string]> = [
  ["one long string field", longString],
  ["array of small objects", manyObjects],
  ["nested, pretty-printed", nested]
]

const fmt = ([wall, cpu]: [number, number]): string =>
  `${wall.toFixed(1).padStart(7)} ms (cpu ${cpu.toFixed(1).padStart(7)} ms)`

// Warm up the JIT on a small document of each kind.
for (const [, make] of documents) {
  const parts = fragments(make(20_000))
  for (let i = 0; i < 5; i++) incremental(parts, i % 2 === 0)
}

console.log(`fragments of ${FRAGMENT} characters, value after each; best of 5 runs (re-parse: 1 run)\n`)
for (const [name, make] of documents) {
  for (const size of [20_000, 200_000]) {
    const text = make(size)
    const parts = fragments(text)
    const expected = JSON.parse(text)
    const result = incremental(parts)
    if (JSON.stringify(result) !== JSON.stringify(expected)) throw new Error(`wrong final value for ${name}`)
    const notRead = best(5, () => incremental(parts))
    const read = best(5, () => incremental(parts, true))
    const jsonParse = best(5, () => JSON.parse(text))
    let line = `${name.padEnd(24)} ${String(text.length).padStart(7)} chars, ${
      String(parts.length).padStart(6)
    } fragments: PartialJson not read ${fmt(notRead)}, read ${fmt(read)} | one JSON.parse ${fmt(jsonParse)}`
    if (size <= 20_000) line += ` | partial-json re-parse ${fmt(best(1, () => reparse(parts)))}`
    console.log(line)
  }
}
