/**
 * `npm start`: a short program through the real `ChatCompletions` layer and
 * Node's `HttpClient`, shown live.
 *
 * Without `OPENAI_API_KEY` / `OPENAI_BASE_URL` it starts the embedded
 * OpenAI-compatible server of `demo-server.ts` on a loopback port, which
 * replays the bundled recordings. With either set it talks to that server
 * (`OPENAI_MODEL`, default `gpt-4o-mini`; `OPENAI_REASONING_MODEL` for the
 * reasoning step, default the same model).
 *
 * Four conversations: a plain answer, a reasoning answer, parallel tool
 * calls answered by a local function and sent back, and a JSON answer whose
 * partial parse grows as it streams. Ends by itself (exit 0, or 1 when the
 * server fails).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Duration, Effect, Layer, Option, Stream } from "effect"
import type { ChatCompletion } from "../src/ChatCompletion.js"
import type { ChatCompletionRequest } from "../src/ChatCompletionRequest.js"
import * as ChatCompletions from "../src/ChatCompletions.js"
import type { ChatStreamEvent } from "../src/ChatStreamEvent.js"
import { makeRenderer } from "../src/internal/render.js"
import { demoServer } from "./demo-server.js"

const tty = process.stdout.isTTY === true
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[22m` : s)
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[22m` : s)
const cyan = (s: string) => (tty ? `\x1b[36m${s}\x1b[39m` : s)
const write = (text: string) => process.stdout.write(text)

const present = (name: string) => (process.env[name] ?? "").trim() !== ""

// -----------------------------------------------------------------------------
// one streamed turn, rendered live
// -----------------------------------------------------------------------------

interface Turn {
  readonly completion: Option.Option<ChatCompletion>
  readonly parsed: Option.Option<unknown>
}

const turn = (title: string, params: ChatCompletionRequest, onEvent?: (event: ChatStreamEvent) => void) =>
  Effect.gen(function*() {
    const last = params.messages.at(-1)
    const shown = last?.role === "tool"
      ? `(${params.messages.filter((m) => m.role === "tool").length} tool results)`
      : typeof last?.content === "string"
      ? last.content
      : ""
    write(`\n${bold(cyan(`── ${title}`))}\n${dim("user:")} ${shown}\n`)
    const client = yield* ChatCompletions.ChatCompletions
    const startedAt = Date.now()
    const response = yield* client.stream(params)
    const renderer = makeRenderer(write, (text) => process.stderr.write(text), tty)
    let completion = Option.none<ChatCompletion>()
    let parsed = Option.none<unknown>()
    let firstToken: number | undefined
    yield* Stream.runForEach(response.events, (event) =>
      Effect.sync(() => {
        if (event._tag === "Chunk") completion = Option.some(event.snapshot)
        else if (firstToken === undefined) firstToken = Date.now() - startedAt
        if (event._tag === "ContentDone") parsed = event.parsed
        renderer.event(event)
        onEvent?.(event)
      }))
    renderer.end(completion)
    const meta = response.meta
    write(dim(
      `  request ${Option.getOrElse(meta.requestId, () => "(no id)")} · HTTP ${meta.status} · first byte ${
        Duration.format(meta.timeToFirstByte)
      } · first token ${firstToken ?? "?"}ms · total ${Date.now() - startedAt}ms\n`
    ))
    return { completion, parsed } satisfies Turn
  }).pipe(Effect.scoped)

// -----------------------------------------------------------------------------
// the program
// -----------------------------------------------------------------------------

const weather: Record<string, { readonly temperature: number; readonly sky: string }> = {
  oslo: { temperature: 4, sky: "light snow" },
  tokyo: { temperature: 17, sky: "clear" }
}

const tools: ChatCompletionRequest["tools"] = [{
  type: "function",
  function: {
    name: "get_weather",
    description: "The current weather in a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
      required: ["city"]
    }
  }
}]

const program = (model: string, reasoningModel: string) =>
  Effect.gen(function*() {
    const system = { role: "system" as const, content: "You are a concise assistant." }

    yield* turn("1. a streamed answer", {
      model,
      messages: [system, { role: "user", content: "In two sentences: what is an Effect stream?" }]
    })

    yield* turn("2. reasoning, then the answer", {
      model: reasoningModel,
      messages: [{ role: "user", content: "Which is larger, 9.11 or 9.9?" }]
    })

    const question = { role: "user" as const, content: "What's the weather in Oslo and in Tokyo right now?" }
    const calls = yield* turn("3. parallel tool calls", { model, messages: [system, question], tools })
    const message = Option.flatMap(calls.completion, (c) => Option.fromNullable(c.choices[0]?.message))
    const toolCalls = Option.match(message, { onNone: () => [], onSome: (m) => m.tool_calls ?? [] })
    if (toolCalls.length > 0) {
      const results = toolCalls.map((call) => {
        let city = ""
        try {
          city = String(JSON.parse(call.function.arguments).city ?? "")
        } catch {
          city = ""
        }
        const found = weather[city.toLowerCase()] ?? { temperature: 20, sky: "unknown" }
        return { role: "tool" as const, tool_call_id: call.id, content: JSON.stringify({ city, ...found, unit: "celsius" }) }
      })
      for (const result of results) write(dim(`  get_weather → ${result.content}\n`))
      yield* turn("3b. the answer from the tool results", {
        model,
        messages: [
          system,
          question,
          { role: "assistant", content: Option.getOrNull(Option.flatMap(message, (m) => Option.fromNullable(m.content))), tool_calls: toolCalls },
          ...results
        ],
        tools
      })
    }

    const counts: Array<number> = []
    const json = yield* turn("4. a JSON answer (parsed while it streams)", {
      model,
      response_format: { type: "json_object" },
      messages: [system, {
        role: "user",
        content: "As JSON {\"modules\":[{\"name\",\"purpose\"}]}, name three Effect modules and what each is for."
      }]
    }, (event) => {
      if (event._tag === "ContentDelta" && Option.isSome(event.parsed)) {
        const modules = (event.parsed.value as { modules?: ReadonlyArray<unknown> }).modules
        if (Array.isArray(modules) && modules.length !== counts.at(-1)) counts.push(modules.length)
      }
    })
    const modules = Option.match(json.parsed, {
      onNone: () => "(the answer was not JSON)",
      onSome: (value) => {
        const list = (value as { modules?: Array<{ name?: string }> }).modules
        return Array.isArray(list) ? list.map((m) => m.name).join(", ") : JSON.stringify(value).slice(0, 120)
      }
    })
    write(dim(
      `  modules in the partial parses while streaming: ${counts.join(" → ") || "(none)"} · JSON.parse at the end: ${modules}\n`
    ))
  })

const main = Effect.gen(function*() {
  const live = present("OPENAI_API_KEY") || present("OPENAI_BASE_URL")
  const model = (process.env.OPENAI_MODEL ?? "").trim() || "gpt-4o-mini"
  const reasoningModel = (process.env.OPENAI_REASONING_MODEL ?? "").trim() || (live ? model : "deepseek-reasoner")
  const clientLayer = live
    ? ChatCompletions.layerConfig()
    : Layer.unwrapScoped(Effect.map(demoServer(), (server) => {
      write(dim(
        `No OPENAI_API_KEY or OPENAI_BASE_URL: replaying bundled recordings from an embedded server at ${server.baseUrl}\n`
      ))
      return ChatCompletions.layer({ baseUrl: server.baseUrl })
    }))
  yield* Effect.gen(function*() {
    const client = yield* ChatCompletions.ChatCompletions
    if (live) write(dim(`Talking to ${client.options.baseUrl} with model ${model}\n`))
    yield* program(model, reasoningModel)
  }).pipe(Effect.provide(clientLayer.pipe(Layer.provide(NodeHttpClient.layerUndici))))
  write(dim("\ndone.\n"))
}).pipe(
  Effect.catchAll((error) =>
    Effect.sync(() => {
      process.stderr.write(`\ndemo failed (${"_tag" in error ? error._tag : "Error"}): ${error.message}\n`)
      process.exitCode = 1
    })
  )
)

NodeRuntime.runMain(main, { disablePrettyLogger: true })
