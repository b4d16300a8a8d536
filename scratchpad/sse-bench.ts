/**
 * Benchmark of the SSE layer: bytes → events, 20,000 chat-completion chunks.
 *
 *   npx tsx scratchpad/sse-bench.ts
 *
 * Compares the hand-written decoder of `src/Sse.ts` (decoder and Stream
 * forms) with `eventsource-parser@3.1.1` (raw, and wrapped to meet the stream
 * contract), `@effect/experimental@0.61.1`'s `Sse.makeParser` (raw) and the
 * `openai` package's own SSE path (`_iterSSEMessages`, what the project is
 * benchmarked against). The optional packages are imported dynamically and
 * skipped when absent (`npm install --no-save eventsource-parser@3.1.1`).
 */
import { Chunk, Effect, Stream } from "effect"
import * as Sse from "../src/Sse.js"
import { Utf8Decoder } from "../src/internal/sse.js"

const EVENTS = 20_000
const RUNS = 40

// ---------------------------------------------------------------------------
// input
// ---------------------------------------------------------------------------

const mixedWords = ["Hello", " world", ",", " the", " quick", " brown", " fox", " é", " naïve", " 日本語", " 🚀", "\\n"]
const asciiWords = ["Hello", " world", ",", " the", " quick", " brown", " fox", " jumps", " over", " lazy", " dog", "\\n"]
const makeBody = (words: ReadonlyArray<string>): Uint8Array => {
  let text = ""
  for (let i = 0; i < EVENTS; i++) {
    const chunk = {
      id: "chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz012",
      object: "chat.completion.chunk",
      created: 1732000000,
      model: "gpt-4o-mini-2024-07-18",
      system_fingerprint: "fp_0ba0d124f1",
      choices: [{ index: 0, delta: { content: words[i % words.length] }, logprobs: null, finish_reason: null }]
    }
    text += `data: ${JSON.stringify(chunk)}\n\n`
  }
  text += "data: [DONE]\n\n"
  return new TextEncoder().encode(text)
}
/** English-only text, and text where 5 chunks in 12 carry non-ASCII (é, ï, 日本語, 🚀) */
const asciiBody = makeBody(asciiWords)
const body = makeBody(mixedWords)

const cut = (bytes: Uint8Array, size: number): Array<Uint8Array> => {
  const reads: Array<Uint8Array> = []
  for (let i = 0; i < bytes.length; i += size) reads.push(bytes.subarray(i, i + size))
  return reads
}
/** One read per event, as a live model streams them */
const perEvent = (bytes: Uint8Array): Array<Uint8Array> => {
  const reads: Array<Uint8Array> = []
  let start = 0
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i + 1] === 10) {
      reads.push(bytes.subarray(start, i + 2))
      start = i + 2
      i++
    }
  }
  return reads
}

const inputs: Array<[string, Array<Uint8Array>]> = [
  ["ASCII text, 16 KiB reads", cut(asciiBody, 16 * 1024)],
  ["mixed-script text, 16 KiB reads", cut(body, 16 * 1024)],
  ["mixed-script text, 1 read per event", perEvent(body)]
]

// ---------------------------------------------------------------------------
// candidates: each returns the number of events (and checks the last data)
// ---------------------------------------------------------------------------

type Candidate = (reads: Array<Uint8Array>) => number | Promise<number>

const handWritten: Candidate = (reads) => {
  const decoder = Sse.makeDecoder()
  let n = 0
  let last = ""
  for (const read of reads) {
    const decoded = decoder.push(read)
    n += decoded.events.length
    if (decoded.events.length > 0) last = decoded.events[decoded.events.length - 1].data
  }
  n += decoder.end().events.length
  if (last !== "[DONE]") throw new Error("hand-written: wrong last event")
  return n
}

const handWrittenStream: Candidate = (reads) =>
  Effect.runPromise(
    Stream.fromChunk(Chunk.unsafeFromArray(reads)).pipe(
      Stream.rechunk(1), // one read per chunk, as from a response body
      Sse.decode(),
      Stream.runCount
    )
  )

/** What the Stream costs without decoding: one read per chunk, counted */
const streamBaseline: Candidate = (reads) =>
  Effect.runPromise(
    Stream.fromChunk(Chunk.unsafeFromArray(reads)).pipe(
      Stream.rechunk(1),
      Stream.mapChunks((chunk) => chunk),
      Stream.runCount
    )
  )

/** TextDecoder alone, the two ways, to show why `Utf8Decoder` exists */
const textDecoderStreaming: Candidate = (reads) => {
  const decoder = new TextDecoder()
  let n = 0
  for (const read of reads) n += decoder.decode(read, { stream: true }).length
  return n + decoder.decode().length
}
const utf8Decoder: Candidate = (reads) => {
  const decoder = new Utf8Decoder()
  let n = 0
  for (const read of reads) n += decoder.decode(read).length
  return n + decoder.end().length
}

const dynamicImport = async (name: string): Promise<any> => {
  try {
    return await import(name)
  } catch {
    return undefined
  }
}

const candidates = async (): Promise<Array<[string, Candidate]>> => {
  const list: Array<[string, Candidate]> = [
    ["hand-written Sse.makeDecoder", handWritten],
    ["hand-written Sse.decode (Stream)", handWrittenStream],
    ["  Stream baseline without decoding (reads counted)", streamBaseline]
  ]

  const evp = await dynamicImport("eventsource-parser")
  if (evp !== undefined) {
    list.push(["eventsource-parser@3.1.1 raw", (reads) => {
      const decoder = new TextDecoder()
      let n = 0
      const parser = evp.createParser({ onEvent: () => n++ })
      for (const read of reads) parser.feed(decoder.decode(read, { stream: true }))
      parser.feed(decoder.decode())
      return n
    }])
    list.push(["eventsource-parser@3.1.1 raw, with Utf8Decoder", (reads) => {
      const decoder = new Utf8Decoder()
      let n = 0
      const parser = evp.createParser({ onEvent: () => n++ })
      for (const read of reads) parser.feed(decoder.decode(read))
      parser.feed(decoder.end())
      return n
    }])
    list.push(["eventsource-parser@3.1.1 + contract wrapper", (reads) => {
      // What it takes to meet the contract: size re-check of events completed
      // inside one read, empty data dropped, flush at end by feeding a line
      // end, `terminated` inferred from the last two code units seen.
      const limit = Sse.defaultMaxEventBytes
      const decoder = new TextDecoder()
      let out: Array<Sse.Event> = []
      let failed = false
      let ending = false
      let endTerminated = true
      let last2 = ""
      const parser = evp.createParser({
        maxBufferSize: limit + 6,
        onEvent: (event: { event?: string; data: string }) => {
          if (failed) return
          if (event.data.length > limit) {
            failed = true
            return
          }
          if (event.data !== "") {
            out.push({ event: event.event ?? "message", data: event.data, terminated: !ending || endTerminated })
          }
        },
        onError: (error: { type: string }) => {
          if (error.type === "max-buffer-size-exceeded") failed = true
        }
      })
      const feed = (text: string) => {
        if (text.length === 0) return
        last2 = text.length >= 2 ? text.slice(-2) : last2.slice(-1) + text
        parser.feed(text)
      }
      let n = 0
      for (const read of reads) {
        feed(decoder.decode(read, { stream: true }))
        n += out.length
        out = []
        if (failed) break
      }
      feed(decoder.decode())
      ending = true
      endTerminated = last2 === "\n\r" || last2 === "\r\r"
      parser.feed("\n")
      n += out.length
      return n
    }])
  }

  const experimental = await dynamicImport("@effect/experimental/Sse")
  if (experimental !== undefined) {
    list.push(["@effect/experimental@0.61.1 Sse.makeParser raw", (reads) => {
      const decoder = new TextDecoder()
      let n = 0
      const parser = experimental.makeParser((event: { _tag: string }) => {
        if (event._tag === "Event") n++
      })
      for (const read of reads) parser.feed(decoder.decode(read, { stream: true }))
      parser.feed(decoder.decode())
      return n
    }])
  }

  const openai = await dynamicImport("openai/core/streaming.mjs")
  if (openai !== undefined) {
    list.push(["openai _iterSSEMessages (reference)", async (reads) => {
      let i = 0
      const response = new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (i < reads.length) controller.enqueue(reads[i++])
            else controller.close()
          }
        })
      )
      let n = 0
      for await (const _ of openai._iterSSEMessages(response, new AbortController())) n++
      return n
    }])
  }
  return list
}

// ---------------------------------------------------------------------------
// run
// ---------------------------------------------------------------------------

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * Candidates are run round-robin (one run of each, RUNS times), so that a
 * busy machine slows them all alike; the median and the best run are shown.
 * A candidate slower than 200 ms a run is run 3 times only.
 */
const main = async () => {
  const list = await candidates()
  const all: Array<[string, Candidate]> = [
    ...list,
    ["TextDecoder { stream: true } alone", textDecoderStreaming],
    ["Utf8Decoder (internal) alone", utf8Decoder]
  ]
  console.log(`${EVENTS + 1} events, ${RUNS} interleaved runs\n`)
  for (const [inputName, reads] of inputs) {
    const size = reads.reduce((n, read) => n + read.length, 0) / 1024 / 1024
    console.log(`${inputName} (${size.toFixed(2)} MiB in ${reads.length} reads)`)
    const times = all.map(() => [] as Array<number>)
    for (const [i, [name, candidate]] of all.entries()) {
      const first = await candidate(reads)
      if (!name.includes("alone") && !name.includes("baseline") && first !== EVENTS + 1) {
        console.log(`  !! ${name} gave ${first} events`)
      }
      for (let w = 0; w < 3; w++) {
        const start = performance.now()
        await candidate(reads)
        times[i].push(performance.now() - start)
      }
    }
    for (let r = 0; r < RUNS; r++) {
      for (const [i, [, candidate]] of all.entries()) {
        if (median(times[i]) > 200 && times[i].length >= 3) continue
        if (r === 0) times[i] = []
        const start = performance.now()
        await candidate(reads)
        times[i].push(performance.now() - start)
      }
    }
    for (const [i, [name]] of all.entries()) {
      const ms = median(times[i])
      const best = Math.min(...times[i])
      const rate = (ms: number) => (((EVENTS + 1) / ms) * 1000 / 1e6).toFixed(2).padStart(6)
      console.log(
        `  ${name.padEnd(52)} median ${ms.toFixed(2).padStart(8)} ms ${rate(ms)} M events/s   best ${
          best.toFixed(2).padStart(8)
        } ms ${rate(best)} M events/s`
      )
    }
    console.log()
  }
}

main()
