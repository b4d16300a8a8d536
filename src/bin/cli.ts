#!/usr/bin/env node
/**
 * The command line: `replay FILE` renders a recorded response body for a
 * person, or as JSON lines with `--json` (stream contract §7); `chat
 * --model M "prompt"` streams a live answer from an OpenAI-compatible
 * server with the same rendering (and `--json` lines), `--record FILE`
 * saving the raw body for a later `replay`.
 *
 * Exit codes: 0 when the stream ended well, 1 when it failed, 2 on a usage
 * error (unknown flag, missing file).
 *
 * @since 0.1.0
 */
// Start-up: every module here is imported by its own path (not through a
// package's index, which loads all of the package), and `chat`'s HTTP client
// (`ChatCompletions`, undici) is imported when `chat` runs, so `replay` loads
// only what it uses.
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as fs from "node:fs/promises"
import type { ChatCompletion } from "../ChatCompletion.js"
import type { Message } from "../ChatCompletionRequest.js"
import type * as ChatCompletions from "../ChatCompletions.js"
import * as ChatStream from "../ChatStream.js"
import type { ChatStreamEvent } from "../ChatStreamEvent.js"
import * as JsonLines from "../JsonLines.js"
import { makeRenderer } from "../internal/render.js"

const EVENT_TAGS = [
  "Chunk",
  "ReasoningDelta",
  "ReasoningDone",
  "ContentDelta",
  "ContentDone",
  "RefusalDelta",
  "RefusalDone",
  "ToolCallArgumentsDelta",
  "ToolCallArgumentsDone",
  "LogProbsContentDelta",
  "LogProbsContentDone",
  "LogProbsRefusalDelta",
  "LogProbsRefusalDone"
]

/** How a stream is printed. */
export interface PrintOptions {
  readonly json: boolean
  readonly tags: Option.Option<ReadonlySet<string>>
  /** The pipeline's options (from the `CHAT_STREAM_*` variables). */
  readonly stream: ChatStream.Options
}

class UsageError extends Error {}

const parseTags = (text: Option.Option<string>): Effect.Effect<Option.Option<ReadonlySet<string>>, UsageError> =>
  Option.match(text, {
    onNone: () => Effect.succeed(Option.none()),
    onSome: (list) => {
      const tags = list.split(",").map((t) => t.trim()).filter((t) => t !== "")
      const unknown = tags.filter((t) => !EVENT_TAGS.includes(t))
      return unknown.length > 0
        ? Effect.fail(new UsageError(`unknown event tag ${unknown.join(", ")}; known: ${EVENT_TAGS.join(", ")}`))
        : Effect.succeed(Option.some(new Set(tags)))
    }
  })

/** Stops `printStream` when stdout was closed by its reader. */
const stdoutClosed = Symbol("stdout closed")

/**
 * Backpressure from stdout. A pipe takes writes asynchronously and the
 * pipeline never waits on I/O of its own, so without this a slow reader
 * (`| less`, `| wc`) makes the output pile up in memory. When stdout's buffer
 * is full this waits for it to drain; when the reader closed it (`| head`)
 * this fails with `stdoutClosed`, so nothing is computed that nobody sees.
 */
const awaitStdout: Effect.Effect<void, typeof stdoutClosed> = Effect.suspend(() => {
  const out = process.stdout
  if (out.destroyed) return Effect.fail(stdoutClosed)
  if (!out.writableNeedDrain) return Effect.void
  return Effect.async<void, typeof stdoutClosed>((resume) => {
    const drained = () => done(Effect.void)
    const closed = () => done(Effect.fail(stdoutClosed))
    const done = (result: Effect.Effect<void, typeof stdoutClosed>) => {
      out.off("drain", drained)
      out.off("close", closed)
      resume(result)
    }
    out.on("drain", drained)
    out.on("close", closed)
    return Effect.sync(() => {
      out.off("drain", drained)
      out.off("close", closed)
    })
  })
})

/**
 * Prints the events of a byte stream, then the final line; gives the exit
 * code (0 or 1).
 *
 * The printing is synchronous, so each chunk of events is handled in a plain
 * loop inside `Stream.runForEachChunk`, which returns `Effect.void`: an
 * `Effect` per event costs more than the pipeline's own work, most of it in
 * garbage collection (README, Performance). What a chunk prints is gathered
 * and written to stdout once; it is flushed before anything goes to stderr
 * and before the last line, so the output and its order are those of one
 * write per piece.
 */
export const printStream = <E, R>(
  bytes: Stream.Stream<Uint8Array, E, R>,
  options: PrintOptions
): Effect.Effect<number, never, R> => {
  let pending = ""
  const write = (text: string) => {
    pending += text
  }
  const flush = () => {
    if (pending === "") return
    const text = pending
    pending = ""
    if (!process.stdout.destroyed) process.stdout.write(text)
  }
  const renderer = makeRenderer(write, (text) => {
    flush()
    process.stderr.write(text)
  }, process.stdout.isTTY === true)
  const tags = Option.getOrUndefined(options.tags)
  const keep = (event: ChatStreamEvent): boolean => tags === undefined || tags.has(event._tag)
  let last: ChatCompletion | undefined
  return ChatStream.events(bytes, options.stream).pipe(
    Stream.runForEachChunk((chunk) => {
      try {
        for (const event of chunk) {
          if (event._tag === "Chunk") last = event.snapshot
          if (!keep(event)) continue
          if (options.json) write(JsonLines.event(event) + "\n")
          else renderer.event(event)
        }
      } catch (error) {
        // An event that cannot be encoded ends the stream with a Failure
        // line, after what the events before it printed.
        flush()
        return Effect.fail(error)
      }
      flush()
      return awaitStdout
    }),
    Effect.matchEffect({
      onSuccess: () =>
        Effect.sync(() => {
          const completion = Option.fromNullable(last)
          if (options.json) write(JsonLines.final(completion) + "\n")
          else renderer.end(completion)
          flush()
          return 0
        }),
      onFailure: (error) =>
        Effect.sync(() => {
          if (error === stdoutClosed) return 0
          if (options.json) write(JsonLines.failure(error) + "\n")
          else renderer.failure(error)
          flush()
          return 1
        })
    })
  )
}

const json = Options.boolean("json").pipe(Options.withDescription("print each event as one JSON line"))
const eventsOption = Options.text("events").pipe(
  Options.optional,
  Options.withDescription("keep only these event tags, comma-separated (the last line always prints)")
)

const replay = Command.make(
  "replay",
  {
    file: Args.file({ name: "FILE", exists: "yes" }).pipe(Args.withDescription("a recorded response body (SSE)")),
    json,
    events: eventsOption,
    chunkSize: Options.integer("chunk-size").pipe(
      Options.optional,
      Options.withDescription("feed the file in pieces of N bytes (default 65536)")
    )
  },
  ({ chunkSize, events, file, json }) =>
    Effect.gen(function*() {
      const tags = yield* parseTags(events)
      // Pieces of 64 KiB by default, like a file read: where the body is cut
      // never changes the events (stream contract §1), and the pipeline
      // writes the events of each piece as it goes instead of holding those
      // of the whole file at once.
      const size = Option.getOrElse(chunkSize, () => 64 * 1024)
      if (size < 1) return yield* Effect.fail(new UsageError("--chunk-size must be at least 1"))
      const data = new Uint8Array(
        yield* Effect.tryPromise({
          try: () => fs.readFile(file),
          catch: (error) => new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`)
        })
      )
      const pieces: Array<Uint8Array> = []
      for (let at = 0; at < data.length; at += Math.min(size, data.length)) {
        pieces.push(data.subarray(at, Math.min(data.length, at + size)))
      }
      const stream = yield* Effect.mapError(
        ChatStream.config,
        (error) => new UsageError(`bad configuration: ${error.message}`)
      )
      // One piece per stream chunk, as reads arrive (`Stream.fromIterable`
      // would hand the pipeline thousands of pieces at a time).
      const code = yield* printStream(Stream.fromIteratorSucceed(pieces.values(), 1), { json, tags, stream })
      process.exitCode = code
    })
).pipe(Command.withDescription("render a recorded streaming response body"))

// -----------------------------------------------------------------------------
// chat
// -----------------------------------------------------------------------------

/** One line for an error that came before the body (no answer, or an error answer). */
const openFailureLine = (error: ChatCompletions.ChatCompletionsError): string => {
  if (error._tag === "ConnectionError") return error.message
  // The message may already start with the status (a body without a message of its own).
  const where = error.status === undefined || error.message.startsWith(`HTTP ${error.status}`) ? "" : `HTTP ${error.status}: `
  const code = error.code === null ? "" : ` [${error.code}]`
  const request = error.requestId === undefined || error.requestId === null ? "" : ` (request ${error.requestId})`
  return `the server answered with an error: ${where}${error.message}${code}${request}`
}

/** The modules only `chat` uses (the HTTP client), loaded when it runs. */
const loadChat = () =>
  Promise.all([import("../ChatCompletions.js"), import("@effect/platform-node/NodeHttpClient")]).then((
    [ChatCompletions, NodeHttpClient]
  ) => ({ ChatCompletions, NodeHttpClient }))

/** Opens `file` for the raw body, for the life of the scope. */
const recordTo = (file: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => fs.open(file, "w"),
      catch: (cause) => new UsageError(`cannot write --record ${file}: ${cause instanceof Error ? cause.message : String(cause)}`)
    }),
    (handle) => Effect.promise(() => handle.close())
  )

const chat = Command.make(
  "chat",
  {
    prompt: Args.text({ name: "PROMPT" }).pipe(Args.withDescription("the user message")),
    model: Options.text("model").pipe(Options.withDescription("the model to ask")),
    baseUrl: Options.text("base-url").pipe(
      Options.optional,
      Options.withDescription("the server's base URL (default: OPENAI_BASE_URL, else https://api.openai.com/v1)")
    ),
    system: Options.text("system").pipe(Options.optional, Options.withDescription("a system prompt")),
    json,
    events: eventsOption,
    record: Options.file("record", { exists: "either" }).pipe(
      Options.optional,
      Options.withDescription("save the raw response body (SSE) to FILE, for `replay FILE`")
    ),
    noUsage: Options.boolean("no-usage").pipe(
      Options.withDescription("do not send stream_options.include_usage (for servers that reject it)")
    ),
    retries: Options.integer("retries").pipe(
      Options.withDefault(2),
      Options.withDescription("retries on 429, 5xx and refused connections, before the answer starts")
    )
  },
  ({ baseUrl, events, json, model, noUsage, prompt, record, retries, system }) =>
    Effect.gen(function*() {
      const { ChatCompletions, NodeHttpClient } = yield* Effect.promise(loadChat)
      const tags = yield* parseTags(events)
      if (retries < 0) return yield* Effect.fail(new UsageError("--retries must be at least 0"))
      const fromEnv = yield* Effect.mapError(
        ChatCompletions.config,
        (error) => new UsageError(`bad configuration: ${error.message}`)
      )
      const base = Option.getOrElse(baseUrl, () => fromEnv.baseUrl ?? ChatCompletions.defaultBaseUrl).toString()
      if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) {
        return yield* Effect.fail(new UsageError(`--base-url must be an http(s) URL, got ${JSON.stringify(base)}`))
      }
      const messages: Array<Message> = [
        ...Option.match(system, { onNone: () => [], onSome: (content) => [{ role: "system" as const, content }] }),
        { role: "user", content: prompt }
      ]
      const client = ChatCompletions.layer({
        ...fromEnv,
        baseUrl: base,
        includeUsage: !noUsage,
        retrySchedule: Schedule.exponential("500 millis").pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(retries)))
      }).pipe(Layer.provide(NodeHttpClient.layerUndici))
      const code = yield* Effect.gen(function*() {
        const opened = yield* Effect.either(ChatCompletions.stream({ model, messages }))
        if (opened._tag === "Left") {
          if (json) process.stdout.write(JsonLines.failure(opened.left) + "\n")
          else process.stderr.write(`effect-chat-stream: ${openFailureLine(opened.left)}\n`)
          return 1
        }
        let bytes: Stream.Stream<Uint8Array, unknown> = opened.right.bytes
        if (Option.isSome(record)) {
          const handle = yield* recordTo(record.value)
          bytes = Stream.tap(bytes, (piece) =>
            Effect.tryPromise({
              try: () => handle.write(piece),
              catch: (error) =>
                new Error(`could not write the recording: ${error instanceof Error ? error.message : String(error)}`)
            }))
        }
        return yield* printStream(bytes, {
          json,
          tags,
          stream: { maxEventBytes: fromEnv.maxEventBytes, partialJson: fromEnv.partialJson }
        })
      }).pipe(Effect.scoped, Effect.provide(client))
      process.exitCode = code
    })
).pipe(Command.withDescription("stream a live answer from an OpenAI-compatible server (API key from OPENAI_API_KEY)"))

const command = Command.make("effect-chat-stream").pipe(
  Command.withDescription("stream chat completions from OpenAI-compatible servers"),
  Command.withSubcommands([replay, chat])
)

const cli = Command.run(command, { name: "effect-chat-stream", version: "0.1.0" })

// A reader that stops early (`| head`) closes the pipe: `printStream` sees
// stdout destroyed and stops; the error event itself is not a crash.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error
})

cli(process.argv).pipe(
  Effect.catchIf(ValidationError.isValidationError, () => Effect.sync(() => (process.exitCode = 2))),
  Effect.catchIf(
    (e): e is UsageError => e instanceof UsageError,
    (e) =>
      Effect.sync(() => {
        process.stderr.write(`effect-chat-stream: ${e.message}\n`)
        process.exitCode = 2
      })
  ),
  // The services `@effect/cli` needs (`NodeContext.layer` without the
  // command executor and the worker manager, which nothing here uses).
  Effect.provide(Layer.mergeAll(NodePath.layer, NodeTerminal.layer, NodeFileSystem.layer)),
  NodeRuntime.runMain({ disableErrorReporting: false, disablePrettyLogger: true })
)
