/**
 * The client service without a network: request building, retries and
 * error answers through `ChatCompletionsTest`'s fake `HttpClient`; the span;
 * `layerConfig`; the request Schema; and the pure helpers of
 * `internal/http.ts` (`retry-after`, error bodies, URLs).
 */
import * as Headers from "@effect/platform/Headers"
import { describe, expect, it } from "@effect/vitest"
import {
  Chunk,
  ConfigProvider,
  Duration,
  Effect,
  Either,
  Exit,
  Layer,
  Option,
  Redacted,
  Schedule,
  Schema,
  Stream,
  Tracer
} from "effect"
import { ChatCompletionRequest } from "../src/ChatCompletionRequest.js"
import * as ChatCompletions from "../src/ChatCompletions.js"
import * as ChatCompletionsTest from "../src/ChatCompletionsTest.js"
import * as ChatStream from "../src/ChatStream.js"
import * as ChatStreamError from "../src/ChatStreamError.js"
import * as internal from "../src/internal/http.js"

const params = { model: "test-model", messages: [{ role: "user" as const, content: "hi" }] }
const fast = Schedule.spaced("1 millis").pipe(Schedule.intersect(Schedule.recurs(3)))

describe("ChatCompletionsTest layer", () => {
  it.live("serves a transcript; the request carries stream: true, the usage option and the model", () =>
    Effect.gen(function*() {
      const content = yield* ChatCompletions.finalContent(params)
      expect(content).toEqual(Option.some("Hello there, friend!"))
      const [request] = yield* ChatCompletionsTest.requests
      expect(request.method).toBe("POST")
      expect(request.url).toBe("http://chat-completions.test/v1/chat/completions")
      expect(request.body).toEqual({ ...params, stream: true, stream_options: { include_usage: true } })
      expect(request.headers.accept).toBe("text/event-stream")
      expect(request.headers.authorization).toBeUndefined()
    }).pipe(Effect.provide(ChatCompletionsTest.layer([ChatCompletionsTest.transcript({ content: "Hello there, friend!" })]))))

  it.live("serves a recorded file in small pieces: the events equal the pipeline's on the whole file", () =>
    Effect.gen(function*() {
      const fromLayer = yield* Stream.runCollect(ChatCompletions.events(params))
      const bytes = new Uint8Array(yield* Effect.promise(() => import("node:fs/promises").then((fs) => fs.readFile("test/fixtures/openai-parallel-tools.sse"))))
      const direct = yield* Stream.runCollect(ChatStream.events(Stream.make(bytes)))
      expect(Chunk.toArray(fromLayer).map((e) => e._tag)).toEqual(Chunk.toArray(direct).map((e) => e._tag))
      expect(Chunk.toArray(fromLayer)).toEqual(Chunk.toArray(direct))
    }).pipe(Effect.provide(ChatCompletionsTest.layer([
      ChatCompletionsTest.file("test/fixtures/openai-parallel-tools.sse", { pieceSize: 7 })
    ]))))

  it.live("transcripts with reasoning, tool calls and usage fold into the expected completion", () =>
    Effect.gen(function*() {
      const completion = yield* ChatCompletions.finalChatCompletion(params)
      const message = Option.getOrThrow(completion).choices[0].message
      expect(message.reasoning_content).toBe("Two cities, two calls.")
      expect(message.content).toBe("Checking.")
      expect(message.tool_calls?.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
        ["call_0", "get_weather", { city: "Oslo" }],
        ["call_1", "get_weather", { city: "Rome" }]
      ])
      expect(Option.getOrThrow(completion).choices[0].finish_reason).toBe("tool_calls")
      expect(Option.getOrThrow(completion).usage).toEqual({ prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 })
    }).pipe(Effect.provide(ChatCompletionsTest.layer([ChatCompletionsTest.transcript({
      reasoning: "Two cities, two calls.",
      content: "Checking.",
      toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }, { name: "get_weather", arguments: { city: "Rome" } }],
      usage: { prompt_tokens: 10, completion_tokens: 20 }
    })]))))

  it.live("partialJson: false reaches the pipeline: tool-call deltas carry no parsed value, their dones do", () =>
    Effect.gen(function*() {
      const client = yield* ChatCompletions.ChatCompletions
      expect(client.options.partialJson).toBe(false)
      const events = Chunk.toArray(yield* Stream.runCollect(ChatCompletions.events(params)))
      const deltas = events.filter((e) => e._tag === "ToolCallArgumentsDelta")
      expect(deltas.length).toBeGreaterThan(0)
      expect(deltas.filter((e) => Option.isSome(e.parsedArguments))).toEqual([])
      const dones = events.flatMap((e) => e._tag === "ToolCallArgumentsDone" ? [Option.getOrUndefined(e.parsedArguments)] : [])
      expect(dones).toEqual([{ city: "Oslo" }, { city: "Rome" }])
    }).pipe(Effect.provide(ChatCompletionsTest.layer([ChatCompletionsTest.transcript({
      toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }, { name: "get_weather", arguments: { city: "Rome" } }]
    })], { partialJson: false }))))

  it.live("an error reply fails with ApiError; a connection failure with ConnectionError", () =>
    Effect.gen(function*() {
      const api = yield* Effect.flip(ChatCompletions.finalContent(params))
      expect(api).toBeInstanceOf(ChatStreamError.ApiError)
      expect(api).toMatchObject({ status: 400, type: "invalid_request_error", code: null, param: "messages", requestId: "req_test" })
      const connection = yield* Effect.flip(ChatCompletions.finalContent(params))
      expect(connection).toBeInstanceOf(ChatCompletions.ConnectionError)
      expect(connection).toMatchObject({ reason: "Transport", code: "ECONNRESET", attempts: 1 })
      expect(ChatCompletions.isConnectionError(connection)).toBe(true)
    }).pipe(Effect.provide(ChatCompletionsTest.layer([
      ChatCompletionsTest.error(400, { error: { message: "messages is empty", type: "invalid_request_error", param: "messages" } }),
      ChatCompletionsTest.connectionFailure("ECONNRESET")
    ]))))

  it.live("a request beyond the given replies is a defect naming it", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(ChatCompletions.finalContent(params))
      expect(Exit.isFailure(exit) && String(Exit.causeOption(exit).pipe(Option.getOrThrow))).toContain("no reply left for request 1")
    }).pipe(Effect.provide(ChatCompletionsTest.layer([]))))

  it.effect("works under the TestClock of it.effect (pieces with real delays, no clock to move)", () =>
    Effect.gen(function*() {
      const snapshots = yield* Stream.runCollect(ChatCompletions.snapshots(params))
      expect(Chunk.size(snapshots)).toBeGreaterThan(3)
      expect(Option.map(Chunk.last(snapshots), (s) => s.choices[0].message.content)).toEqual(
        Option.some("Slow and steady.")
      )
    }).pipe(Effect.provide(ChatCompletionsTest.layer([
      ChatCompletionsTest.transcript({ content: "Slow and steady." }, { pieceSize: 16, delay: "2 millis" })
    ]))))

  it.live("replies can be a function of the request", () =>
    Effect.gen(function*() {
      const a = yield* ChatCompletions.finalContent({ ...params, model: "echo" })
      const b = yield* ChatCompletions.finalContent({ ...params, model: "other" })
      expect([a, b]).toEqual([Option.some("model echo, request 0"), Option.some("model other, request 1")])
    }).pipe(Effect.provide(ChatCompletionsTest.layer((request, index) =>
      ChatCompletionsTest.transcript({ content: `model ${request.body.model}, request ${index}` })
    ))))
})

describe("ChatCompletions request", () => {
  it.live("the usage option: off by option, or set by the request itself", () =>
    Effect.gen(function*() {
      yield* ChatCompletions.finalContent(params)
      yield* ChatCompletions.finalContent({ ...params, stream_options: { include_usage: false } })
      const sent = yield* ChatCompletionsTest.requests
      expect(sent[0].body.stream_options).toBeUndefined()
      expect(sent[0].body.stream).toBe(true)
      expect(sent[1].body.stream_options).toEqual({ include_usage: false })
    }).pipe(Effect.provide(ChatCompletionsTest.layer(() => ChatCompletionsTest.transcript({ content: "ok" }), {
      includeUsage: false
    }))))

  it.live("a request's own include_usage: false wins over the default", () =>
    Effect.gen(function*() {
      yield* ChatCompletions.finalContent({ ...params, stream: false, stream_options: { include_usage: false } })
      const [sent] = yield* ChatCompletionsTest.requests
      expect(sent.body.stream).toBe(true)
      expect(sent.body.stream_options).toEqual({ include_usage: false })
    }).pipe(Effect.provide(ChatCompletionsTest.layer(() => ChatCompletionsTest.transcript({ content: "ok" })))))

  it.live("headers: bearer key, organization, project, extra headers; a base URL's query is kept", () =>
    Effect.gen(function*() {
      yield* ChatCompletions.finalContent(params)
      const [sent] = yield* ChatCompletionsTest.requests
      expect(sent.url).toBe("https://example.test/openai/deployments/d1/chat/completions?api-version=2024-10-21")
      expect(sent.headers.authorization).toBe("Bearer sk-abcdefghijklmnop")
      expect(sent.headers["openai-organization"]).toBe("org-x")
      expect(sent.headers["openai-project"]).toBe("proj-y")
      expect(sent.headers["x-extra"]).toBe("1")
    }).pipe(Effect.provide(ChatCompletionsTest.layer(() => ChatCompletionsTest.transcript({ content: "ok" }), {
      baseUrl: "https://example.test/openai/deployments/d1/?api-version=2024-10-21",
      apiKey: Redacted.make("sk-abcdefghijklmnop"),
      organization: "org-x",
      project: "proj-y",
      headers: { "X-Extra": "1" }
    }))))
})

describe("ChatCompletions retries", () => {
  it.live("503 and a reset connection are retried with the schedule; meta counts the attempts", () =>
    Effect.gen(function*() {
      const response = yield* ChatCompletions.stream(params)
      expect(response.meta.attempts).toBe(3)
      expect(yield* ChatStream.finalContent(response.events)).toEqual(Option.some("third time"))
      expect((yield* ChatCompletionsTest.requests).length).toBe(3)
    }).pipe(Effect.scoped, Effect.provide(ChatCompletionsTest.layer([
      ChatCompletionsTest.error(503, { error: { message: "Overloaded" } }),
      ChatCompletionsTest.connectionFailure("ECONNRESET"),
      ChatCompletionsTest.transcript({ content: "third time" })
    ], { retrySchedule: fast }))))

  it.live("400, 401, 404 are not retried; x-should-retry: false stops a 500, true retries a 400", () =>
    Effect.gen(function*() {
      for (const status of [400, 401, 404]) {
        const error = yield* Effect.flip(ChatCompletions.finalContent({ ...params, model: String(status) }))
        expect(error).toMatchObject({ _tag: "ApiError", status })
      }
      const stopped = yield* Effect.flip(ChatCompletions.finalContent({ ...params, model: "no-retry" }))
      expect(stopped).toMatchObject({ status: 500 })
      const retried = yield* ChatCompletions.finalContent({ ...params, model: "retry" })
      expect(retried).toEqual(Option.some("ok"))
      const models = (yield* ChatCompletionsTest.requests).map((r) => r.body.model)
      expect(models).toEqual(["400", "401", "404", "no-retry", "retry", "retry"])
    }).pipe(Effect.provide(ChatCompletionsTest.layer((request, index) => {
      const model = request.body.model
      if (model === "no-retry") return ChatCompletionsTest.error(500, "boom", { headers: { "x-should-retry": "false" } })
      if (model === "retry") {
        return index === 4
          ? ChatCompletionsTest.error(400, "try again", { headers: { "x-should-retry": "true" } })
          : ChatCompletionsTest.transcript({ content: "ok" })
      }
      return ChatCompletionsTest.error(Number(model), { error: { message: `status ${model}` } })
    }, { retrySchedule: fast }))))

  it.live("the schedule caps the attempts; the last error is returned", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(ChatCompletions.finalContent(params))
      expect(error).toMatchObject({ _tag: "ApiError", status: 502, message: "bad gateway 3" })
      expect((yield* ChatCompletionsTest.requests).length).toBe(3)
    }).pipe(Effect.provide(ChatCompletionsTest.layer(
      (_request, index) => ChatCompletionsTest.error(502, { error: { message: `bad gateway ${index + 1}` } }),
      { retrySchedule: Schedule.recurs(2) }
    ))))

  it.live("retry-after-ms lengthens the wait", () =>
    Effect.gen(function*() {
      const started = Date.now()
      yield* ChatCompletions.finalContent(params)
      expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    }).pipe(Effect.provide(ChatCompletionsTest.layer([
      ChatCompletionsTest.error(429, { error: { message: "slow down" } }, { headers: { "retry-after-ms": "150" } }),
      ChatCompletionsTest.transcript({ content: "ok" })
    ], { retrySchedule: fast }))))
})

describe("ChatCompletions span", () => {
  it.live("records model, request id, time to first byte / token, finish reasons and usage", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.Span> = []
      const native = yield* Effect.tracer
      const tracer = Tracer.make({
        span: (...args) => {
          const span = native.span(...args)
          spans.push(span)
          return span
        },
        context: native.context
      })
      yield* ChatCompletions.finalContent(params).pipe(Effect.withTracer(tracer))
      const span = spans.find((s) => s.name === "chat test-model")!
      expect(span).toBeDefined()
      expect(span.kind).toBe("client")
      expect(span.status._tag).toBe("Ended")
      const attributes = Object.fromEntries(span.attributes)
      expect(attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "test-model",
        "gen_ai.response.model": "served-model",
        "gen_ai.response.id": "chatcmpl-span",
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": 5,
        "gen_ai.usage.output_tokens": 7,
        "http.response.status_code": 200,
        "chat_completions.request_id": "req_span",
        "chat_completions.attempts": 1
      })
      expect(typeof attributes["chat_completions.time_to_first_token_ms"]).toBe("number")
      expect(typeof attributes["chat_completions.time_to_first_byte_ms"]).toBe("number")
      // the HTTP client's span is a child of the request's span
      const child = spans.find((s) => s !== span && Option.exists(s.parent, (p) => p.spanId === span.spanId))
      expect(child).toBeDefined()
      expect(Object.fromEntries(child!.attributes)["http.request.header.authorization"]).toBe(
        String(Redacted.make("x"))
      )
    }).pipe(Effect.provide(ChatCompletionsTest.layer([
      ChatCompletionsTest.transcript({
        id: "chatcmpl-span",
        model: "served-model",
        content: "Hi",
        usage: { prompt_tokens: 5, completion_tokens: 7 }
      }, { headers: { "x-request-id": "req_span" } })
    ], { apiKey: Redacted.make("sk-secret-span-key") }))))
})

describe("ChatCompletions.layerConfig", () => {
  const configured = (env: Record<string, string>, options?: ChatCompletions.Options) =>
    ChatCompletions.layerConfig(options).pipe(
      Layer.provideMerge(ChatCompletionsTest.layerHttpClient(() => ChatCompletionsTest.transcript({ content: "ok" }))),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
    )

  it.live("reads OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_ORG_ID, OPENAI_PROJECT_ID", () =>
    Effect.gen(function*() {
      const client = yield* ChatCompletions.ChatCompletions
      expect(client.options.baseUrl).toBe("http://127.0.0.1:8000/v1")
      expect(Option.map(client.options.apiKey, Redacted.value)).toEqual(Option.some("sk-from-env-123456"))
      yield* client.finalContent(params)
      const [sent] = yield* ChatCompletionsTest.requests
      expect(sent.url).toBe("http://127.0.0.1:8000/v1/chat/completions")
      expect(sent.headers.authorization).toBe("Bearer sk-from-env-123456")
      expect(sent.headers["openai-organization"]).toBe("org-env")
      expect(sent.headers["openai-project"]).toBe("proj-env")
    }).pipe(Effect.provide(configured({
      OPENAI_BASE_URL: "http://127.0.0.1:8000/v1",
      OPENAI_API_KEY: "sk-from-env-123456",
      OPENAI_ORG_ID: "org-env",
      OPENAI_PROJECT_ID: "proj-env"
    }))))

  it.live("reads the pipeline's CHAT_STREAM_MAX_EVENT_BYTES and CHAT_STREAM_PARTIAL_JSON too; given options win", () =>
    Effect.gen(function*() {
      const client = yield* Effect.provide(
        ChatCompletions.ChatCompletions,
        configured({ CHAT_STREAM_MAX_EVENT_BYTES: "4096", CHAT_STREAM_PARTIAL_JSON: "false" })
      )
      expect(client.options.maxEventBytes).toBe(4096)
      expect(client.options.partialJson).toBe(false)
      const unset = yield* Effect.provide(ChatCompletions.ChatCompletions, configured({ CHAT_STREAM_MAX_EVENT_BYTES: "" }))
      expect(unset.options.maxEventBytes).toBe(ChatStream.defaultOptions.maxEventBytes)
      expect(unset.options.partialJson).toBe(true)
      const given = yield* Effect.provide(
        ChatCompletions.ChatCompletions,
        configured({ CHAT_STREAM_PARTIAL_JSON: "false" }, { partialJson: true })
      )
      expect(given.options.partialJson).toBe(true)
    }))

  it.live("defaults to OpenAI without a key; an empty key is none; given options win", () =>
    Effect.gen(function*() {
      const defaults = yield* Effect.provide(ChatCompletions.ChatCompletions, configured({ OPENAI_API_KEY: "" }))
      expect(defaults.options.baseUrl).toBe("https://api.openai.com/v1")
      expect(Option.isNone(defaults.options.apiKey)).toBe(true)
      expect(Duration.toMillis(defaults.options.idleTimeout)).toBe(5 * 60_000)
      const overridden = yield* Effect.provide(
        ChatCompletions.ChatCompletions,
        configured({ OPENAI_BASE_URL: "http://env/v1" }, { baseUrl: "http://given/v1", idleTimeout: "1 second" })
      )
      expect(overridden.options.baseUrl).toBe("http://given/v1")
      expect(Duration.toMillis(overridden.options.idleTimeout)).toBe(1000)
    }))
})

describe("ChatCompletionRequest", () => {
  it("decodes every role and content part, and keeps a provider's own fields", () => {
    const input = {
      model: "m",
      messages: [
        { role: "developer", content: "dev" },
        { role: "system", content: [{ type: "text", text: "sys" }] },
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AA", detail: "low" } },
            { type: "input_audio", input_audio: { data: "AA", format: "wav" } },
            { type: "file", file: { file_id: "file-1" } }
          ]
        },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: "42" }
      ],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" }, strict: true } }],
      tool_choice: { type: "function", function: { name: "f" } },
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" }, strict: true } },
      max_completion_tokens: 100,
      stop: ["\n"],
      reasoning_effort: "low",
      top_k: 40,
      provider: { order: ["groq"] }
    }
    const decoded = Schema.decodeUnknownSync(ChatCompletionRequest)(input)
    expect(decoded).toEqual(input)
  })

  it("rejects a wrong role or a wrong type", () => {
    const decode = Schema.decodeUnknownEither(ChatCompletionRequest)
    expect(Either.isLeft(decode({ model: "m", messages: [{ role: "robot", content: "x" }] }))).toBe(true)
    expect(Either.isLeft(decode({ model: "m", messages: [], temperature: "hot" }))).toBe(true)
    expect(Either.isLeft(decode({ messages: [] }))).toBe(true)
  })
})

describe("internal/http", () => {
  const headers = (input: Record<string, string>) => Headers.fromInput(input)

  it("retry-after: milliseconds, seconds, fractions, HTTP dates; nothing for garbage", () => {
    const now = Date.parse("2025-01-01T00:00:00Z")
    const ms = (h: Record<string, string>) => Option.map(internal.retryAfterOf(headers(h), now), Duration.toMillis)
    expect(ms({ "retry-after-ms": "250" })).toEqual(Option.some(250))
    expect(ms({ "retry-after": "2" })).toEqual(Option.some(2000))
    expect(ms({ "retry-after": "0.5" })).toEqual(Option.some(500))
    expect(ms({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" })).toEqual(Option.some(3000))
    expect(ms({ "retry-after": "Tue, 31 Dec 2024 00:00:00 GMT" })).toEqual(Option.some(0))
    expect(ms({ "retry-after": "soon" })).toEqual(Option.none())
    expect(ms({})).toEqual(Option.none())
  })

  it("retryable statuses", () => {
    const retryable = (status: number, h: Record<string, string> = {}) => internal.isRetryableStatus(status, headers(h))
    expect([408, 409, 429, 500, 502, 503, 504].every((s) => retryable(s))).toBe(true)
    expect([400, 401, 403, 404, 422].some((s) => retryable(s))).toBe(false)
    expect(retryable(500, { "x-should-retry": "false" })).toBe(false)
    expect(retryable(400, { "x-should-retry": "true" })).toBe(true)
  })

  it("URLs: one slash, query kept; messages show no query", () => {
    expect(internal.joinUrl("http://h/v1", "chat/completions")).toBe("http://h/v1/chat/completions")
    expect(internal.joinUrl("http://h/v1/", "/chat/completions")).toBe("http://h/v1/chat/completions")
    expect(internal.joinUrl("http://h/v1?key=abc", "chat/completions")).toBe("http://h/v1/chat/completions?key=abc")
    expect(internal.displayUrl("http://h/v1/chat/completions?key=abc")).toBe("http://h/v1/chat/completions")
  })

  it("error bodies: the provider's fields, the key scrubbed, the body truncated", () => {
    const key = Option.some(Redacted.make("sk-live-abcdefgh12345"))
    const error = internal.apiErrorFromResponse(
      401,
      headers({ "x-request-id": "req_1" }),
      JSON.stringify({ error: { message: "Bad key sk-live-abcdefgh12345", type: "auth", code: 401, param: null } }),
      key
    )
    expect(error).toMatchObject({ message: "Bad key [redacted]", type: "auth", code: 401, status: 401, requestId: "req_1" })
    expect(error.body).not.toContain("sk-live")

    const noMessage = internal.apiErrorFromResponse(500, headers({}), JSON.stringify({ detail: "x" }), Option.none())
    expect(noMessage).toMatchObject({ message: `HTTP 500: {"detail":"x"}`, status: 500, requestId: null })

    const long = internal.apiErrorFromResponse(500, headers({}), "e".repeat(10_000), Option.none())
    expect(long.message.length).toBeLessThan(300)
    expect(long.body!.length).toBeLessThan(internal.MAX_ERROR_BODY + 100)

    const plain = internal.apiErrorFromResponse(404, headers({}), "Not Found", Option.none())
    expect(plain.message).toBe("HTTP 404: Not Found")
    const string = internal.apiErrorFromResponse(400, headers({}), JSON.stringify({ error: "bad model" }), Option.none())
    expect(string.message).toBe("bad model")
  })

  it("a non-streamed completion becomes one chunk and [DONE]", () => {
    const sse = internal.completionAsSse({
      id: "c",
      object: "chat.completion",
      model: "m",
      created: 1,
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hi" } }]
    })
    expect(sse).toEqual(Option.some(
      `data: {"id":"c","model":"m","created":1,"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`
    ))
    expect(internal.completionAsSse({ hello: 1 })).toEqual(Option.none())
  })

  it("error codes are found in nested causes", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" })
    expect(internal.errorCodeOf(new Error("fetch failed", { cause: inner }))).toBe("ECONNREFUSED")
    expect(internal.errorCodeOf(Object.assign(new Error("agg"), { errors: [inner] }))).toBe("ECONNREFUSED")
    expect(internal.errorMessageOf(new Error("fetch failed", { cause: inner }))).toBe(
      "fetch failed: connect ECONNREFUSED 127.0.0.1:9"
    )
  })
})
