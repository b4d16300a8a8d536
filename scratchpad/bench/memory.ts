/**
 * Memory of one library run over a generated stream.
 *
 * - `drain`: nothing is held; peak heap/RSS above the baseline, sampled every
 *   256 events.
 * - `snapshots`: every `Chunk` event's snapshot is held in an array; after the
 *   run (array still alive) a full GC, then `retained` = heapUsed − baseline.
 *   With structural sharing this is a constant number of bytes per chunk; a
 *   copy of the accumulated text or arrays per chunk makes it quadratic.
 * - `snapshotsRead`: the same, and each held snapshot's arrays
 *   (`logprobs.content`, `reasoning_details`) are read once: a lazily
 *   materialised array then costs its length.
 * - `parsed`: every `parsed` / `parsedArguments` value (Option contents) of
 *   the delta events is held, same measure.
 */
import { Effect, Option, Stream } from "effect"
import * as ChatStream from "../../src/ChatStream.js"
import { bytesOf } from "./contestants.js"
import type { Generated } from "./generate.js"
import { fullGc } from "./measure.js"

export type HoldMode = "drain" | "snapshots" | "snapshotsRead" | "parsed"

export interface MemoryResult {
  readonly mode: HoldMode
  readonly held: number
  /** MB above the baseline. */
  readonly peakHeapMB: number
  readonly peakRssMB: number
  /** MB still used after a full GC with the held values alive. */
  readonly retainedMB: number
  readonly retainedBytesPerChunk: number
}

const MB = 1024 * 1024

export const memoryRun = async (g: Generated, mode: HoldMode): Promise<MemoryResult> => {
  fullGc()
  const base = process.memoryUsage()
  let peakHeap = base.heapUsed
  let peakRss = base.rss
  const sample = () => {
    const m = process.memoryUsage()
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed
    if (m.rss > peakRss) peakRss = m.rss
  }
  const held: Array<unknown> = []
  let i = 0
  await Effect.runPromise(
    Stream.runForEachChunk(ChatStream.events(bytesOf(g.pieces)), (chunk) =>
      Effect.sync(() => {
        for (const e of chunk) {
          if (mode === "snapshots" || mode === "snapshotsRead") {
            if (e._tag === "Chunk") {
              held.push(e.snapshot)
              if (mode === "snapshotsRead") {
                for (const choice of e.snapshot.choices) {
                  held.push(choice.logprobs?.content, choice.logprobs?.refusal, choice.message.reasoning_details)
                }
              }
            }
          } else if (mode === "parsed") {
            if (e._tag === "ContentDelta" && Option.isSome(e.parsed)) held.push(e.parsed.value)
            else if (e._tag === "ToolCallArgumentsDelta" && Option.isSome(e.parsedArguments)) {
              held.push(e.parsedArguments.value)
            }
          }
          if ((++i & 255) === 0) sample()
        }
      }))
  )
  sample()
  fullGc()
  const after = process.memoryUsage()
  const retained = after.heapUsed - base.heapUsed
  const result: MemoryResult = {
    mode,
    held: mode === "snapshotsRead" ? g.chunks : held.length,
    peakHeapMB: (peakHeap - base.heapUsed) / MB,
    peakRssMB: (peakRss - base.rss) / MB,
    retainedMB: retained / MB,
    retainedBytesPerChunk: retained / g.chunks
  }
  held.length = 0
  return result
}
