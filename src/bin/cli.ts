#!/usr/bin/env node
/**
 * The command line: `replay FILE` renders a recorded response body for a
 * person, or as JSON lines with `--json` (stream contract §7).
 *
 * Exit codes: 0 when the stream ended well, 1 when it failed, 2 on a usage
 * error (unknown flag, missing file).
 *
 * @since 0.1.0
 */
import { Args, Command, Options, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Option, Stream } from "effect"
import * as fs from "node:fs/promises"
import type { ChatCompletion } from "../ChatCompletion.js"
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

/**
 * Prints the events of a byte stream, then the final line; gives the exit
 * code (0 or 1).
 */
export const printStream = <E, R>(
  bytes: Stream.Stream<Uint8Array, E, R>,
  options: PrintOptions
): Effect.Effect<number, never, R> => {
  const write = (text: string) => process.stdout.write(text)
  const renderer = makeRenderer(write, (text) => process.stderr.write(text), process.stdout.isTTY === true)
  const keep = (event: ChatStreamEvent) => Option.isNone(options.tags) || options.tags.value.has(event._tag)
  let last: Option.Option<ChatCompletion> = Option.none()
  return ChatStream.events(bytes).pipe(
    Stream.runForEach((event) =>
      Effect.sync(() => {
        if (event._tag === "Chunk") last = Option.some(event.snapshot)
        if (!keep(event)) return
        if (options.json) write(JsonLines.event(event) + "\n")
        else renderer.event(event)
      })
    ),
    Effect.matchEffect({
      onSuccess: () =>
        Effect.sync(() => {
          if (options.json) write(JsonLines.final(last) + "\n")
          else renderer.end(last)
          return 0
        }),
      onFailure: (error) =>
        Effect.sync(() => {
          if (options.json) write(JsonLines.failure(error) + "\n")
          else renderer.failure(error)
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
      Options.withDescription("feed the file in pieces of N bytes")
    )
  },
  ({ chunkSize, events, file, json }) =>
    Effect.gen(function*() {
      const tags = yield* parseTags(events)
      const size = Option.getOrElse(chunkSize, () => Number.POSITIVE_INFINITY)
      if (size < 1) return yield* Effect.fail(new UsageError("--chunk-size must be at least 1"))
      const data = new Uint8Array(yield* Effect.promise(() => fs.readFile(file)))
      const pieces: Array<Uint8Array> = []
      for (let at = 0; at < data.length; at += Math.min(size, data.length)) {
        pieces.push(data.subarray(at, Math.min(data.length, at + size)))
      }
      const code = yield* printStream(Stream.fromIterable(pieces), { json, tags })
      process.exitCode = code
    })
).pipe(Command.withDescription("render a recorded streaming response body"))

const command = Command.make("effect-chat-stream").pipe(
  Command.withDescription("stream chat completions from OpenAI-compatible servers"),
  Command.withSubcommands([replay])
)

const cli = Command.run(command, { name: "effect-chat-stream", version: "0.1.0" })

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
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: false, disablePrettyLogger: true })
)
