/**
 * The client's failures before and at the start of the body: an invalid base
 * URL, which connection failures are retried and what their messages say,
 * 2xx bodies that are not event streams, readable `ApiError` messages for
 * error bodies without a message, the test layer's defaults, and readable
 * configuration errors. Through `ChatCompletionsTest`'s fake `HttpClient`, a
 * fake client failing with a given cause, and a loopback server with Node's
 * undici client.
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Either, Exit, FastCheck as fc, Layer, Option, Redacted, Schedule, Stream } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as ChatCompletions from "../src/ChatCompletions.js"
import * as ChatCompletionsTest from "../src/ChatCompletionsTest.js"
import * as ChatStreamError from "../src/ChatStreamError.js"
import * as internal from "../src/internal/http.js"

const params = { model: "test-model", messages: [{ role: "user" as const, content: "hi" }] }
const fast = Schedule.spaced("1 millis").pipe(Schedule.intersect(Schedule.recurs(3)))
const encoder = new TextEncoder()

/** The typed failure of an effect; a success or a defect fails the test. */
const failureOf = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<E, never, R> =>
  Effect.flatMap(Effect.exit(self), (exit) => {
    if (Exit.isSuccess(exit)) return Effect.dieMessage(`expected a failure, got ${JSON.stringify(exit.value)}`)
    const failure = Cause.failureOption(exit.cause)
    return Option.isSome(failure)
      ? Effect.succeed(failure.value)
      : Effect.dieMessage(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  })

/** A loopback server for the scope; counts the requests that reached it. */
const serve = (handler: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>) =>
  Effect.acquireRelease(
    Effect.async<{ readonly baseUrl: string; readonly requests: () => number; readonly server: http.Server }>((resume) => {
      let requests = 0
      const server = http.createServer((req, res) => {
        requests++
        req.resume()
        req.on("end", () => void Promise.resolve(handler(req, res)).catch(() => res.destroy()))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ baseUrl: `http://127.0.0.1:${port}/v1`, requests: () => requests, server }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** The named fields of an error, as a plain object (a readable diff when an assertion fails). */
const fields = (error: unknown, ...keys: ReadonlyArray<string>): Record<string, unknown> =>
  Object.fromEntries(keys.map((key) => [key, (error as Record<string, unknown>)[key]]))

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// -----------------------------------------------------------------------------
// 1. the base URL
// -----------------------------------------------------------------------------

describe("an invalid base URL", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["localhost:8080/v1", `it must start with http:// or https:// (did you mean "http://localhost:8080/v1"?)`],
    ["127.0.0.1:11434/v1", `it must start with http:// or https:// (did you mean "http://127.0.0.1:11434/v1"?)`],
    ["https//api.example.test/v1", `it must start with http:// or https:// (did you mean "https://api.example.test/v1"?)`],
    ["mailto:a@b", "it must start with http:// or https://"],
    ["not a url", "it must start with http:// or https://"],
    ["", "it is empty"],
    ["ftp://example.test/v1", "it must start with http:// or https://"],
    ["http://", "it is not a valid URL"]
  ]

  it.live("fails each request with a typed ConnectionError (InvalidUrl) saying why: no defect, nothing sent, no retry", () =>
    Effect.gen(function*() {
      for (const [baseUrl, why] of cases) {
        const [error, sent] = yield* Effect.gen(function*() {
          const error = yield* failureOf(ChatCompletions.finalContent(params))
          return [error, yield* ChatCompletionsTest.requests] as const
        }).pipe(Effect.provide(ChatCompletionsTest.layer(
          () => ChatCompletionsTest.transcript({ content: "never sent" }),
          { baseUrl, retrySchedule: fast }
        )))
        expect(error, baseUrl).toBeInstanceOf(ChatCompletions.ConnectionError)
        expect(error, baseUrl).toMatchObject({ reason: "InvalidUrl", attempts: 0, detail: why, url: baseUrl })
        expect(error.message, baseUrl).toBe(`Invalid base URL ${JSON.stringify(baseUrl)}: ${why}`)
        expect(sent, baseUrl).toEqual([])
      }
    }))

  it.live("the same from OPENAI_BASE_URL through layerConfig, and through layerNode", () =>
    Effect.gen(function*() {
      const fromConfig = yield* failureOf(ChatCompletions.finalContent(params)).pipe(
        Effect.provide(ChatCompletions.layerConfig().pipe(
          Layer.provide(ChatCompletionsTest.layerHttpClient(() => ChatCompletionsTest.transcript({ content: "no" }))),
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["OPENAI_BASE_URL", "127.0.0.1:11434/v1"]]))))
        ))
      )
      expect(fromConfig).toMatchObject({ _tag: "ConnectionError", reason: "InvalidUrl" })
      expect(fromConfig.message).toContain("did you mean \"http://127.0.0.1:11434/v1\"?")
      const node = yield* failureOf(ChatCompletions.finalContent(params)).pipe(
        Effect.provide(ChatCompletions.layerNode({ baseUrl: "not a url" }))
      )
      expect(node).toMatchObject({ _tag: "ConnectionError", reason: "InvalidUrl", attempts: 0 })
    }))

  it.live("the message keeps a query (a key) out", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(ChatCompletions.finalContent(params)).pipe(
        Effect.provide(ChatCompletionsTest.layer([], { baseUrl: "localhost:8080/v1?key=secret-in-query" }))
      )
      expect(error.message).toContain("Invalid base URL \"localhost:8080/v1\"")
      expect(error.message).not.toContain("secret-in-query")
      expect(error.message).not.toContain("null")
    }))

  it("internal: baseUrlProblem and displayUrl", () => {
    expect(internal.baseUrlProblem("http://127.0.0.1:8000/v1")).toBeUndefined()
    expect(internal.baseUrlProblem(" https://api.example.test/v1?api-version=1 ")).toBeUndefined()
    expect(internal.baseUrlProblem("   ")).toBe("it is empty")
    expect(internal.displayUrl("localhost:8080/v1")).toBe("localhost:8080/v1")
    expect(internal.displayUrl("http://user:pass@h/v1?key=k")).toBe("http://h/v1")
  })
})

// -----------------------------------------------------------------------------
// 2. which connection failures are retried
// -----------------------------------------------------------------------------

describe("connection failures", () => {
  /** A client whose every request fails as undici's would, with `cause`. */
  const failingWith = (cause: unknown) =>
    Effect.sync(() => {
      let calls = 0
      const client = HttpClient.make((request) =>
        Effect.suspend(() => {
          calls++
          return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
        })
      )
      return { client, calls: () => calls }
    })
  const failure = (message: string, code?: string) =>
    Object.assign(new Error(message), code === undefined ? {} : { code })

  it.live("permanent ones fail on the first attempt, with the underlying detail in the message", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [Error, ReadonlyArray<string>]> = [
        [failure("invalid authorization header", "UND_ERR_INVALID_ARG"), [
          "Could not send the request to http://h.test/v1/chat/completions: invalid authorization header (UND_ERR_INVALID_ARG)",
          "check the API key and the headers"
        ]],
        [failure("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT"), [
          "Could not reach http://h.test/v1/chat/completions: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)",
          "TLS certificate is not trusted"
        ]],
        [failure("unable to verify the first certificate", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"), [
          "unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)"
        ]],
        [failure("getaddrinfo ENOTFOUND nowhere.test", "ENOTFOUND"), ["host not found (ENOTFOUND)"]],
        [failure("something without a code"), ["something without a code"]]
      ]
      for (const [cause, parts] of cases) {
        const { calls, client } = yield* failingWith(cause)
        const chat = ChatCompletions.makeWith(client, { baseUrl: "http://h.test/v1", retrySchedule: fast })
        const error = yield* failureOf(chat.finalContent(params))
        expect(fields(error, "_tag", "reason", "attempts"), cause.message).toEqual({
          _tag: "ConnectionError",
          reason: "Transport",
          attempts: 1
        })
        expect(calls(), cause.message).toBe(1)
        for (const part of parts) expect(error.message, cause.message).toContain(part)
        expect(error.message).not.toContain("connection failed")
        expect(error.message).not.toContain("attempts")
      }
    }))

  it.live("transient ones are retried with the schedule, whatever their code in the documented list", () =>
    Effect.gen(function*() {
      for (const code of ["ECONNREFUSED", "ECONNRESET", "UND_ERR_SOCKET", "EPIPE", "EAI_AGAIN", "ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT"]) {
        expect(ChatCompletions.retryableConnectionCodes).toContain(code)
        const { calls, client } = yield* failingWith(failure(`${code} happened`, code))
        const chat = ChatCompletions.makeWith(client, { baseUrl: "http://h.test/v1", retrySchedule: fast })
        const error = yield* failureOf(chat.finalContent(params))
        expect(fields(error, "_tag", "reason", "code", "attempts"), code).toEqual({
          _tag: "ConnectionError",
          reason: "Transport",
          code,
          attempts: 4
        })
        expect(calls(), code).toBe(4)
        expect(error.message, code).toContain("(after 4 attempts)")
      }
      for (const code of ["UND_ERR_INVALID_ARG", "ENOTFOUND", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_HAS_EXPIRED"]) {
        expect(ChatCompletions.retryableConnectionCodes).not.toContain(code)
      }
    }))

  it.scopedLive("over undici: a key with a line break or a non-Latin-1 header fails at once, naming the header", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" })
        res.end(ChatCompletionsTest.sseText([{ choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: "stop" }] }]))
      })
      const options: ReadonlyArray<readonly [ChatCompletions.Options, string]> = [
        [{ apiKey: Redacted.make("sk-secret-123456\n") }, "invalid authorization header"],
        [{ headers: { "x-k": "héllo→" } }, "invalid x-k header"],
        [{ headers: { "x-k": "a\nb" } }, "invalid x-k header"]
      ]
      for (const [given, detail] of options) {
        const started = Date.now()
        const error = yield* failureOf(ChatCompletions.finalContent(params).pipe(
          Effect.provide(ChatCompletions.layerNode({ baseUrl: server.baseUrl, retrySchedule: fast, ...given }))
        ))
        expect(fields(error, "_tag", "reason", "attempts", "detail"), detail).toEqual({
          _tag: "ConnectionError",
          reason: "Transport",
          attempts: 1,
          detail
        })
        expect(error.message, detail).toContain(`${detail} (UND_ERR_INVALID_ARG)`)
        expect(error.message).not.toContain("sk-secret")
        expect(Date.now() - started).toBeLessThan(1000)
      }
      expect(server.requests()).toBe(0)
    }))
})

// -----------------------------------------------------------------------------
// 3. a 2xx body that is not an event stream
// -----------------------------------------------------------------------------

describe("a 2xx body is judged by its start", () => {
  const completion = (content: string) => ({
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "m",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }]
  })
  const sseBody = ChatCompletionsTest.sseText([
    { choices: [{ index: 0, delta: { content: "Hi" } }] },
    { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }
  ])
  const run = (reply: ChatCompletionsTest.Reply, options?: ChatCompletions.Options) =>
    ChatCompletions.finalContent(params).pipe(Effect.provide(ChatCompletionsTest.layer([reply], options)))

  it.live("an HTML page (a login page) is an ApiError naming the status and content type, with a preview", () =>
    Effect.gen(function*() {
      const page = "<!doctype html>\n<html><head><title>Sign in</title></head><body>Login required for sk-live-abcdefgh12345</body></html>"
      const error = yield* failureOf(run(
        ChatCompletionsTest.sse(page, { headers: { "content-type": "text/html; charset=utf-8" } }),
        { apiKey: Redacted.make("sk-live-abcdefgh12345") }
      ))
      expect(error).toBeInstanceOf(ChatStreamError.ApiError)
      expect(error).toMatchObject({ status: 200, requestId: "req_test", type: null, code: null })
      expect(error.message).toMatch(
        /^The server answered 200 with text\/html; charset=utf-8, not an event stream: <!doctype html> <html><head><title>Sign in/
      )
      expect(error.message).not.toContain("sk-live")
      expect((error as ChatStreamError.ApiError).body).toContain("Login required for [redacted]")
    }))

  it.live("a JSON error body is an ApiError whatever the content type (text/plain, text/event-stream)", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ error: { message: "You exceeded your quota", type: "insufficient_quota" } })
      for (const contentType of ["text/plain", "text/event-stream", "application/json"]) {
        const error = yield* failureOf(run(ChatCompletionsTest.sse(`\n${body}\n`, { headers: { "content-type": contentType } })))
        expect(error, contentType).toMatchObject({
          _tag: "ApiError",
          message: "You exceeded your quota",
          type: "insufficient_quota",
          status: 200
        })
      }
    }))

  it.live("an unusable maxEventBytes fails before anything is sent (no answer paid for and thrown away)", () =>
    Effect.gen(function*() {
      const json = JSON.stringify(completion("Hi"))
      let sent = 0
      const runCounted = (reply: ChatCompletionsTest.Reply, options: ChatCompletions.Options) =>
        ChatCompletions.finalContent(params).pipe(Effect.provide(ChatCompletionsTest.layer(() => {
          sent++
          return reply
        }, options)))
      for (const maxEventBytes of [0, -1, 1.5, Number.NaN]) {
        for (const reply of [ChatCompletionsTest.sse(sseBody), ChatCompletionsTest.sse(json, { headers: { "content-type": "application/json" } })]) {
          const error = yield* failureOf(runCounted(reply, { maxEventBytes }))
          expect(error, String(maxEventBytes)).toMatchObject({ _tag: "ConnectionError", reason: "InvalidOption", attempts: 0 })
          expect(error.message).toContain(`maxEventBytes must be a positive integer or Infinity, got ${maxEventBytes}`)
        }
      }
      expect(sent).toBe(0)
      expect(yield* runCounted(ChatCompletionsTest.sse(json, { headers: { "content-type": "application/json" } }), { maxEventBytes: Infinity }))
        .toEqual(Option.some("Hi"))
      expect(sent).toBe(1)
    }))

  it.live("JSON that is neither an error nor a completion, and text, are ApiErrors with a preview", () =>
    Effect.gen(function*() {
      const foo = yield* failureOf(run(ChatCompletionsTest.sse(`{"foo":1}`, { headers: { "content-type": "application/json" } })))
      expect(foo).toMatchObject({
        _tag: "ApiError",
        status: 200,
        message: `The server answered 200 with application/json, not an event stream or a chat completion: {"foo":1}`
      })
      const ndjson = yield* failureOf(run(ChatCompletionsTest.sse(`{"a":1}\n{"b":2}\n`, {
        headers: { "content-type": "application/x-ndjson" }
      })))
      expect(ndjson.message).toBe(`The server answered 200 with application/x-ndjson, not an event stream: {"a":1} {"b":2}`)
      const text = yield* failureOf(run(ChatCompletionsTest.sse("Service temporarily in maintenance mode", {
        headers: { "content-type": "text/plain" }
      })))
      expect(text.message).toBe(
        "The server answered 200 with text/plain, not an event stream: Service temporarily in maintenance mode"
      )
    }))

  it.live("an empty body stays an IncompleteStreamError (NoFinishReason)", () =>
    Effect.gen(function*() {
      for (const reply of [
        ChatCompletionsTest.sse("", { headers: { "content-type": "application/json" } }),
        ChatCompletionsTest.sse("\uFEFF \n\n")
      ]) {
        const error = yield* failureOf(run(reply))
        expect(fields(error, "_tag", "reason")).toEqual({ _tag: "IncompleteStreamError", reason: "NoFinishReason" })
      }
    }))

  it.live("a 204 is an empty body too, also through a fetch-based client (no body stream at all)", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(run(ChatCompletionsTest.sse("", { status: 204 })))
      expect(fields(error, "_tag", "reason")).toEqual({ _tag: "IncompleteStreamError", reason: "NoFinishReason" })
    }))

  it.live("an event stream is recognised whatever the content type, after a BOM, blank lines or a comment, in 1-byte reads", () =>
    Effect.gen(function*() {
      for (const [body, contentType] of [
        [sseBody, "application/json"],
        [`\uFEFF\n\n${sseBody}`, "text/event-stream"],
        [`: OPENROUTER PROCESSING\n\n${sseBody}`, "text/html"],
        [`event: message\n${sseBody}`, "text/plain"],
        [`id: 1\n${sseBody}`, "application/octet-stream"]
      ] as const) {
        const content = yield* run(ChatCompletionsTest.sse(body, { pieceSize: 1, headers: { "content-type": contentType } }))
        expect(content, JSON.stringify(body.slice(0, 12))).toEqual(Option.some("Hi"))
      }
    }))

  it.live("an event stream labelled application/json is streamed as it arrives, not buffered", () =>
    Effect.gen(function*() {
      const events = ChatCompletionsTest.sseText([0, 1, 2, 3].map((i) => ({ choices: [{ index: 0, delta: { content: `w${i} ` } }] })))
      const started = Date.now()
      const times: Array<number> = []
      yield* ChatCompletions.events(params).pipe(
        Stream.runForEach((event) => Effect.sync(() => event._tag === "ContentDelta" && times.push(Date.now() - started))),
        Effect.provide(ChatCompletionsTest.layer([
          ChatCompletionsTest.sse(events, {
            headers: { "content-type": "application/json" },
            pieceSize: events.indexOf("\n\n") + 2,
            delay: "120 millis"
          })
        ]))
      )
      expect(times).toHaveLength(4)
      expect(times[3] - times[0]).toBeGreaterThanOrEqual(250)
    }))

  it.scopedLive("over undici: a completion without content type, a login page, an event stream that starts slowly", () =>
    Effect.gen(function*() {
      let mode = ""
      const server = yield* serve(async (_req, res) => {
        if (mode === "completion") {
          res.writeHead(200)
          res.end(JSON.stringify(completion("Hello non-streamed")))
        } else if (mode === "html") {
          res.writeHead(200, { "content-type": "text/html" })
          res.end("<!doctype html><html><body><div id=root>Open WebUI</div></body></html>")
        } else {
          res.writeHead(200, { "content-type": "text/event-stream" })
          res.write("da")
          await sleep(30)
          res.write("ta: ")
          await sleep(30)
          res.end(sseBody.slice("data: ".length))
        }
      })
      const layer = ChatCompletions.layerNode({ baseUrl: server.baseUrl, retrySchedule: Schedule.stop })
      mode = "completion"
      expect(yield* ChatCompletions.finalContent(params).pipe(Effect.provide(layer))).toEqual(
        Option.some("Hello non-streamed")
      )
      mode = "html"
      const error = yield* failureOf(ChatCompletions.finalContent(params).pipe(Effect.provide(layer)))
      expect(error.message).toBe(
        "The server answered 200 with text/html, not an event stream: <!doctype html><html><body><div id=root>Open WebUI</div></body></html>"
      )
      mode = "slow"
      expect(yield* ChatCompletions.finalContent(params).pipe(Effect.provide(layer))).toEqual(Option.some("Hi"))
    }))

  it("internal: sniffBody decides as soon as the start is known", () => {
    const kind = (text: string | Uint8Array, ended = false) =>
      internal.sniffBody(typeof text === "string" ? encoder.encode(text) : text, ended)
    expect(kind("data: {}")).toBe("Sse")
    expect(kind("data")).toBe("Undecided")
    expect(kind("data", true)).toBe("Sse")
    expect(kind("da")).toBe("Undecided")
    expect(kind("da", true)).toBe("Other")
    expect(kind("database error")).toBe("Other")
    expect(kind("retry: 10\n")).toBe("Sse")
    expect(kind("id\n")).toBe("Sse")
    expect(kind(":ok")).toBe("Sse")
    expect(kind("  \r\n{")).toBe("Json")
    expect(kind("[1]")).toBe("Json")
    expect(kind("<html>")).toBe("Other")
    expect(kind("DATA: x")).toBe("Other")
    expect(kind(new Uint8Array([0xef, 0xbb]))).toBe("Undecided")
    expect(kind(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b]))).toBe("Json")
    expect(kind(" \n")).toBe("Undecided")
    expect(kind(" \n", true)).toBe("Empty")
    expect(kind("", true)).toBe("Empty")
  })

  it.prop(
    "internal: a body read in pieces gets the kind of the whole, and a blank start costs linear copying",
    [
      fc.constantFrom("", "\uFEFF"),
      fc.nat(3000),
      fc.constantFrom("data: {}\n\n", "event: x\n", ":ok\n", "{\"a\":1}", "[1]", "<html>", "database", "id", "da", ""),
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 50 })
    ],
    ([bom, blanks, rest, sizes]) => {
      const body = encoder.encode(bom + " \n\t\r".repeat(Math.ceil(blanks / 4)).slice(0, blanks) + rest)
      const sniffer = new internal.BodySniffer()
      let kind: internal.BodyKind = "Undecided"
      let at = 0
      for (let i = 0; kind === "Undecided"; i++) {
        const size = sizes[i % sizes.length]
        const piece = body.subarray(at, at + size)
        at += piece.length
        kind = sniffer.push([piece], at >= body.length)
      }
      // Deciding before the end is right only where the rest cannot change the kind.
      expect(kind).toBe(internal.sniffBody(body, true))
      // A push copies its piece and the few bytes still undecided (a partial
      // mark or field name): linear, where joining everything read on every
      // piece would copy a quadratic amount.
      expect(sniffer.copied).toBeLessThanOrEqual(9 * at + 8)
    },
    { fastCheck: { numRuns: 300 } }
  )
})

// -----------------------------------------------------------------------------
// 4. error bodies without a message
// -----------------------------------------------------------------------------

describe("ApiError messages of error bodies without a message", () => {
  const headers = Headers.fromInput({})
  const messageOf = (status: number, body: string) =>
    internal.apiErrorFromResponse(status, headers, body, Option.none()).message

  it("show a preview of the body, the type and code when that is all, or say the body is empty", () => {
    const detail = JSON.stringify({ detail: [{ loc: ["body", "messages"], msg: "field required", type: "missing" }] })
    expect(messageOf(422, detail)).toBe(`HTTP 422: ${detail}`)
    expect(messageOf(422, JSON.stringify({ detail: "x".repeat(1000) }))).toMatch(/^HTTP 422: \{"detail":"x+…$/)
    expect(messageOf(422, JSON.stringify({ detail: "x".repeat(1000) })).length).toBeLessThan(250)
    expect(messageOf(401, JSON.stringify({ error: { code: "x" } }))).toBe("HTTP 401 (code x)")
    expect(messageOf(401, JSON.stringify({ error: { message: null, code: "invalid_api_key", type: "auth" } }))).toBe(
      "HTTP 401 (type auth, code invalid_api_key)"
    )
    expect(messageOf(500, JSON.stringify({ error: { code: 7, extra: "why" } }))).toBe(
      `HTTP 500: {"error":{"code":7,"extra":"why"}}`
    )
    expect(messageOf(500, "")).toBe("HTTP 500 (empty body)")
    expect(messageOf(502, " \n")).toBe("HTTP 502 (empty body)")
    // a blank message is no message: what else the body holds is shown
    expect(messageOf(500, JSON.stringify({ message: "   ", code: 5 }))).toBe(`HTTP 500: {"message":" ","code":5}`)
    expect(messageOf(500, JSON.stringify({ error: "  " }))).toBe(`HTTP 500: {"error":" "}`)
    expect(messageOf(503, JSON.stringify({ error: { message: " ", type: "overloaded" } }))).toBe("HTTP 503 (type overloaded)")
    expect(messageOf(400, JSON.stringify([{ error: { code: 400, message: "API key not valid", status: "INVALID_ARGUMENT" } }])))
      .toBe("API key not valid")
    // unchanged: a message of the provider's own, a text body
    expect(messageOf(400, JSON.stringify({ error: { message: "bad model" } }))).toBe("bad model")
    expect(messageOf(404, "Not Found")).toBe("HTTP 404: Not Found")
  })

  it("keep type and code in their fields", () => {
    const error = internal.apiErrorFromResponse(401, headers, JSON.stringify({ error: { code: "x", type: "t" } }), Option.none())
    expect(error).toMatchObject({ status: 401, code: "x", type: "t", param: null })
  })

  it.live("through the service: a FastAPI 422 and an empty 500", () =>
    Effect.gen(function*() {
      const unprocessable = yield* failureOf(ChatCompletions.finalContent(params))
      expect(fields(unprocessable, "_tag", "status", "message")).toEqual({
        _tag: "ApiError",
        status: 422,
        message: `HTTP 422: {"detail":[{"loc":["body","model"],"msg":"field required"}]}`
      })
      const empty = yield* failureOf(ChatCompletions.finalContent(params))
      expect(fields(empty, "_tag", "status", "message")).toEqual({
        _tag: "ApiError",
        status: 500,
        message: "HTTP 500 (empty body)"
      })
    }).pipe(Effect.provide(ChatCompletionsTest.layer([
      ChatCompletionsTest.error(422, { detail: [{ loc: ["body", "model"], msg: "field required" }] }),
      ChatCompletionsTest.error(500, "")
    ]))))
})

// -----------------------------------------------------------------------------
// 5. the test layer's defaults
// -----------------------------------------------------------------------------

describe("ChatCompletionsTest.layer options", () => {
  it.live("an option given as undefined keeps the test default (no retry, the test base URL)", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(ChatCompletions.finalContent(params))
      expect(error).toMatchObject({ _tag: "ApiError", status: 500 })
      const sent = yield* ChatCompletionsTest.requests
      expect(sent.map((r) => r.url)).toEqual(["http://chat-completions.test/v1/chat/completions"])
    }).pipe(Effect.provide(ChatCompletionsTest.layer(() => ChatCompletionsTest.error(500, "boom"), {
      retrySchedule: undefined,
      baseUrl: undefined
    }))))

  it.live("a reply's header replaces the default whatever the case of its name", () =>
    Effect.gen(function*() {
      const response = yield* ChatCompletions.stream(params)
      expect(response.meta.headers["content-type"]).toBe("text/plain")
      expect(response.meta.requestId).toEqual(Option.some("req_own"))
    }).pipe(Effect.scoped, Effect.provide(ChatCompletionsTest.layer([
      ChatCompletionsTest.sse("data: [DONE]\n\n", { headers: { "Content-Type": "text/plain", "X-Request-Id": "req_own" } })
    ]))))
})

// -----------------------------------------------------------------------------
// 6. configuration errors
// -----------------------------------------------------------------------------

describe("configuration errors", () => {
  const read = (env: Record<string, string>) =>
    Effect.either(Effect.withConfigProvider(ChatCompletions.config, ConfigProvider.fromMap(new Map(Object.entries(env)))))

  it.effect("one clear message naming the variable; blank is still unset", () =>
    Effect.gen(function*() {
      const messageOf = (env: Record<string, string>) =>
        Effect.map(read(env), Either.match({ onLeft: (error) => error.message, onRight: () => "no error" }))
      expect(yield* messageOf({ CHAT_STREAM_MAX_EVENT_BYTES: "abc" })).toBe(
        `CHAT_STREAM_MAX_EVENT_BYTES: expected an integer, got "abc"`
      )
      expect(yield* messageOf({ CHAT_STREAM_MAX_EVENT_BYTES: "1.5" })).toBe(
        `CHAT_STREAM_MAX_EVENT_BYTES: expected an integer, got "1.5"`
      )
      expect(yield* messageOf({ CHAT_STREAM_PARTIAL_JSON: "FALSE" })).toBe(
        `CHAT_STREAM_PARTIAL_JSON: expected a boolean (true, false, yes, no, on, off, 1 or 0), got "FALSE"`
      )
      const blank = yield* read({ CHAT_STREAM_MAX_EVENT_BYTES: " ", CHAT_STREAM_PARTIAL_JSON: "", OPENAI_BASE_URL: "" })
      expect(blank).toEqual(Either.right({}))
      const set = yield* read({ CHAT_STREAM_MAX_EVENT_BYTES: " 1024 ", CHAT_STREAM_PARTIAL_JSON: "0", OPENAI_API_KEY: " k \n" })
      expect(Either.map(set, (options) => ({ ...options, apiKey: options.apiKey && Redacted.value(options.apiKey) })))
        .toEqual(Either.right({ maxEventBytes: 1024, partialJson: false, apiKey: " k \n" }))
    }))
})
