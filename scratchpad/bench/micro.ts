/**
 * Per-stage cost of the library's pipeline, outside of Stream: µs per chunk
 * of JSON.parse, `decodePayload` (the Schema decode), `Snapshot.fold`,
 * `ChatStreamEvent.step` (fold + event derivation + partial JSON), and the
 * cost of building one event class instance.
 *
 *   npx tsx --expose-gc scratchpad/bench/micro.ts [content:20000 toolString:200 ...]
 */
import { Either, Option } from "effect"
import type { ChatCompletionChunk } from "../../src/ChatCompletion.js"
import * as ChatStream from "../../src/ChatStream.js"
import * as ChatStreamEvent from "../../src/ChatStreamEvent.js"
import * as Snapshot from "../../src/Snapshot.js"
import { type CaseKind, generate } from "./generate.js"
import { fullGc, median } from "./measure.js"

const specs = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : ["content:20000", "toolString:200", "toolArray:200", "logprobs:10000", "jsonContent:200"]

const datasOf = (body: Uint8Array): Array<string> => {
  const text = new TextDecoder().decode(body)
  return text.split("\n\n").filter((e) => e.startsWith("data: ") && e !== "data: [DONE]").map((e) => e.slice(6))
}

const cpu = (f: () => void, runs = 5): number => {
  f()
  const xs: Array<number> = []
  for (let i = 0; i < runs; i++) {
    fullGc()
    const c0 = process.cpuUsage()
    f()
    const c = process.cpuUsage(c0)
    xs.push((c.user + c.system) / 1000)
  }
  return median(xs)
}

let sink: unknown
for (const spec of specs) {
  const [kind, size] = spec.split(":") as [CaseKind, string]
  const g = generate(kind, Number(size))
  const datas = datasOf(g.body)
  const jsons = datas.map((d) => JSON.parse(d) as unknown)
  const chunks = jsons.map((j, i) => Either.getOrThrow(ChatStream.decodePayload(j, datas[i])))
  const n = datas.length
  const us = (ms: number) => ((ms * 1000) / n).toFixed(2).padStart(7)

  const tParse = cpu(() => {
    for (const d of datas) sink = JSON.parse(d)
  })
  const tDecode = cpu(() => {
    for (let i = 0; i < n; i++) sink = ChatStream.decodePayload(jsons[i], datas[i])
  })
  const tFold = cpu(() => {
    let acc = Snapshot.empty
    for (const c of chunks) acc = Snapshot.fold(acc, c as ChatCompletionChunk)
    sink = acc
  })
  const tStep = cpu(() => {
    let state = ChatStreamEvent.initial
    for (const c of chunks) state = ChatStreamEvent.step(state, c)[0]
    sink = state
  })
  const snapshot = Option.getOrThrow(Snapshot.fromChunks(chunks.slice(0, 2)))
  const tClass = cpu(() => {
    for (let i = 0; i < n; i++) {
      sink = new ChatStreamEvent.ContentDelta({ choiceIndex: 0, delta: "x", snapshot: "x", parsed: Option.none() }, true)
      sink = new ChatStreamEvent.Chunk({ chunk: chunks[i], snapshot }, true)
    }
  })
  const tPlain = cpu(() => {
    for (let i = 0; i < n; i++) {
      sink = { _tag: "ContentDelta", choiceIndex: 0, delta: "x", snapshot: "x", parsed: Option.none() }
      sink = { _tag: "Chunk", chunk: chunks[i], snapshot }
    }
  })
  console.log(
    `${spec.padEnd(16)} µs/chunk: JSON.parse ${us(tParse)}  decodePayload ${us(tDecode)}  Snapshot.fold ${us(tFold)}  ` +
      `step ${us(tStep)}  2 event classes ${us(tClass)} (2 plain objects ${us(tPlain)})`
  )
}
void sink
