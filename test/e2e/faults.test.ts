/**
 * Faults over real sockets: `ChatCompletions` over undici against a
 * `node:http` server on 127.0.0.1 that misbehaves in one way per test. Each
 * ends with the right result or one typed error that keeps what arrived.
 * (Also in `ChatCompletions.e2e.test.ts`: a reset mid-event, headers then
 * silence, a server that never answers, 429 with `retry-after`, 500 then
 * success, an HTML page in `client-errors.test.ts`.)
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as zlib from "node:zlib"
import * as ChatCompletions from "../../src/ChatCompletions.js"
import * as ChatStreamError from "../../src/ChatStreamError.js"
import { clientLayer, params, sleep, sseHeaders, startServer } from "./server.js"

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${
    JSON.stringify({
      id: "chatcmpl-f",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta, finish_reason: finish }]
    })
  }\n\n`

const contentOf = (snapshot: Option.Option<{ readonly choices: ReadonlyArray<{ readonly message: { readonly content: string | null } }> }>) =>
  Option.map(snapshot, (s) => s.choices[0].message.content)

describe("faults over a socket", () => {
  it.scopedLive("a body that ends inside a UTF-8 character: CutInsideEvent with the text before it, no replacement character", () =>
    Effect.gen(function*() {
      const first = Buffer.from(chunk({ role: "assistant", content: "Grüß " }))
      const second = Buffer.from(chunk({ content: "Gott 😀" }))
      // cut after the first byte of the emoji's four
      const cut = second.indexOf(Buffer.from("😀")) + 1
      const server = yield* startServer(async (_req, res) => {
        res.writeHead(200, sseHeaders)
        res.write(first)
        await sleep(5)
        res.end(second.subarray(0, cut))
      })
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server))))
      expect(error).toBeInstanceOf(ChatStreamError.IncompleteStreamError)
      expect(error).toMatchObject({ reason: "CutInsideEvent" })
      expect(contentOf((error as ChatStreamError.IncompleteStreamError).snapshot)).toEqual(Option.some("Grüß "))
    }))

  it.scopedLive("a reset inside a UTF-8 character: Transport with the text before it", () =>
    Effect.gen(function*() {
      const first = Buffer.from(chunk({ role: "assistant", content: "Grüß " }))
      const second = Buffer.from(chunk({ content: "Gott 😀" }))
      const cut = second.indexOf(Buffer.from("😀")) + 2
      const server = yield* startServer(async (_req, res) => {
        res.writeHead(200, sseHeaders)
        res.write(Buffer.concat([first, second.subarray(0, cut)]))
        await sleep(20)
        res.socket?.destroy()
      })
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server))))
      expect(error).toMatchObject({ _tag: "IncompleteStreamError", reason: "Transport" })
      expect(contentOf((error as ChatStreamError.IncompleteStreamError).snapshot)).toEqual(Option.some("Grüß "))
    }))

  it.scopedLive("a 10 MB line (one event under the 16 MiB default) arrives whole, in the pieces the socket gives", () =>
    Effect.gen(function*() {
      const big = "x".repeat(10 * 1024 * 1024)
      const body = Buffer.from(chunk({ role: "assistant", content: big }) + chunk({}, "stop") + "data: [DONE]\n\n")
      const server = yield* startServer((_req, res) => {
        res.writeHead(200, sseHeaders)
        res.end(body)
      })
      const content = yield* ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server)))
      expect(Option.map(content, (text) => text.length)).toEqual(Option.some(big.length))
      expect(Option.getOrNull(content) === big).toBe(true)
    }))

  it.scopedLive("the same line over maxEventBytes fails typed with the snapshot so far", () =>
    Effect.gen(function*() {
      const body = Buffer.from(
        chunk({ role: "assistant", content: "before " }) + chunk({ content: "y".repeat(2 * 1024 * 1024) }) +
          "data: [DONE]\n\n"
      )
      const server = yield* startServer((_req, res) => {
        res.writeHead(200, sseHeaders)
        res.end(body)
      })
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(
        Effect.provide(clientLayer(server, { maxEventBytes: 1024 * 1024 }))
      ))
      expect(error).toBeInstanceOf(ChatStreamError.SseError)
      expect(error).toMatchObject({ reason: "EventTooLarge", limit: 1024 * 1024 })
      expect(contentOf((error as ChatStreamError.SseError).snapshot)).toEqual(Option.some("before "))
    }))

  it.scopedLive("a byte every 100 ms keeps a 300 ms idle timeout from firing, and the result is whole", () =>
    Effect.gen(function*() {
      const body = Buffer.from(chunk({ role: "assistant", content: "ok" }, "stop") + "data: [DONE]\n\n")
      // The first 25 bytes one at a time (2.5 s of 100 ms gaps), then the rest.
      const server = yield* startServer(async (_req, res) => {
        res.writeHead(200, sseHeaders)
        res.flushHeaders()
        for (let at = 0; at < 25; at++) {
          res.write(body.subarray(at, at + 1))
          await sleep(100)
        }
        res.end(body.subarray(25))
      })
      const content = yield* ChatCompletions.finalContent(params).pipe(
        Effect.provide(clientLayer(server, { idleTimeout: "300 millis" }))
      )
      expect(content).toEqual(Option.some("ok"))
    }), 20_000)

  it.scopedLive("gzip-, deflate- and br-encoded event streams (a compressing proxy) give the events, flushed piece by piece", () =>
    Effect.gen(function*() {
      const events = [chunk({ role: "assistant", content: "zip" }), chunk({ content: "ped" }), chunk({}, "stop"), "data: [DONE]\n\n"]
      const codings = {
        gzip: () => zlib.createGzip(),
        deflate: () => zlib.createDeflate(),
        br: () => zlib.createBrotliCompress()
      } as const
      for (const [coding, make] of Object.entries(codings)) {
        const server = yield* startServer(async (_req, res) => {
          res.writeHead(200, { ...sseHeaders, "content-encoding": coding })
          const compressor = make()
          compressor.pipe(res)
          for (const event of events) {
            compressor.write(event)
            compressor.flush()
            await sleep(5)
          }
          compressor.end()
        })
        const content = yield* ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server)))
        expect(content, coding).toEqual(Option.some("zipped"))
      }
    }))

  it.scopedLive("a gzip body that does not decompress fails typed (Transport, naming the coding)", () =>
    Effect.gen(function*() {
      const whole = zlib.gzipSync(chunk({ role: "assistant", content: "hello" }) + chunk({}, "stop"))
      const server = yield* startServer((_req, res) => {
        res.writeHead(200, { ...sseHeaders, "content-encoding": "gzip" })
        res.end(Buffer.concat([whole.subarray(0, 20), Buffer.from("not gzip at all")]))
      })
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server))))
      expect(error).toMatchObject({ _tag: "IncompleteStreamError", reason: "Transport" })
      expect(error.message).toContain("gzip-encoded body could not be decompressed")
    }))

  it.scopedLive("a header naming gzip on a body that is not compressed (already decoded upstream) is read as it is", () =>
    Effect.gen(function*() {
      const server = yield* startServer((_req, res) => {
        res.writeHead(200, { ...sseHeaders, "content-encoding": "gzip" })
        res.end(chunk({ role: "assistant", content: "plain" }, "stop") + "data: [DONE]\n\n")
      })
      const content = yield* ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server)))
      expect(content).toEqual(Option.some("plain"))
    }))

  it.scopedLive("redirects: a 307 and a 301 are followed with the POST and its body; a loop stops after 5 with an ApiError", () =>
    Effect.gen(function*() {
      const done = chunk({ role: "assistant", content: "moved" }, "stop") + "data: [DONE]\n\n"
      const server = yield* startServer((req, res) => {
        if (req.url === "/v1/chat/completions") {
          res.writeHead(307, { location: "/v2/chat/completions" })
          res.end()
        } else if (req.url === "/v2/chat/completions") {
          res.writeHead(301, { location: `/v3/chat/completions` })
          res.end("moved permanently")
        } else if (req.url?.startsWith("/loop")) {
          res.writeHead(302, { location: "/loop/chat/completions" })
          res.end()
        } else {
          res.writeHead(200, sseHeaders)
          res.end(done)
        }
      })
      const content = yield* ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server)))
      expect(content).toEqual(Option.some("moved"))
      expect(server.requests.map((r) => [r.method, r.url, r.body.model, r.headers.authorization !== undefined])).toEqual([
        ["POST", "/v1/chat/completions", params.model, true],
        ["POST", "/v2/chat/completions", params.model, true],
        ["POST", "/v3/chat/completions", params.model, true]
      ])
      const loop = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(
        Effect.provide(clientLayer({ ...server, baseUrl: server.baseUrl.replace("/v1", "/loop") }, { retrySchedule: undefined }))
      ))
      expect(loop).toMatchObject({ _tag: "ApiError", status: 302 })
      expect(server.requests.filter((r) => r.url?.startsWith("/loop"))).toHaveLength(6)
    }))

  it.scopedLive("a redirect to another origin is not followed with the key: the redirect is the answer, the other host sees nothing", () =>
    Effect.gen(function*() {
      const other = yield* startServer((_req, res) => {
        res.writeHead(200, sseHeaders)
        res.end(chunk({ role: "assistant", content: "stolen" }, "stop"))
      })
      const server = yield* startServer((_req, res) => {
        res.writeHead(307, { location: `http://localhost:${other.port}/v1/chat/completions` })
        res.end()
      })
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(
        Effect.provide(clientLayer(server, { retrySchedule: undefined }))
      ))
      expect(error).toMatchObject({ _tag: "ApiError", status: 307 })
      expect(other.requests).toHaveLength(0)
    }))
})
