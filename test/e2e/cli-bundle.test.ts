/**
 * End to end: the installed command as `npm run build` makes it (an esbuild
 * bundle, `scratchpad/build-cli.mjs`), bundled into a temporary directory and
 * run with plain `node`. Its `replay --json` of the worked examples prints what
 * the library's events give in process, line for line (the examples' own
 * `.jsonl` comparison is `test/examples.test.ts`), and
 * `chat` (whose HTTP client is a chunk of its own, loaded only when `chat`
 * runs) streams from a loopback server and reports an error answer. A reader
 * that closes the pipe after one line (`| head -1`) ends the command quietly.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { bundle, cli, fixture, replayJson, root, server } from "./cli.js"

const examples = path.join(root, "test/examples")
const names = fs.readdirSync(examples).filter((name) => name.endsWith(".sse")).map((name) => name.slice(0, -4))

describe("the bundled command", () => {
  it.scopedLive("replays the worked examples and chats with a server, with plain node", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chat-stream-bundle-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      const command = yield* bundle(dir)
      expect(fs.readFileSync(command[0]!, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true)
      // The HTTP client is not in the entry file.
      expect(fs.readdirSync(path.join(dir, "chunks")).length).toBeGreaterThan(0)

      expect(names.length).toBe(4)
      const replays = yield* Effect.all(
        names.map((name) => cli(["replay", path.join(examples, `${name}.sse`), "--json"], {}, command)),
        { concurrency: "unbounded" }
      )
      replays.forEach((run, i) => {
        const name = names[i]!
        expect(run.code, name).toBe(name === "error-mid-stream" ? 1 : 0)
      })
      for (const [i, name] of names.entries()) {
        const body = new Uint8Array(fs.readFileSync(path.join(examples, `${name}.sse`)))
        expect(replays[i]!.stdout, name).toBe(yield* replayJson(body))
      }

      const { baseUrl } = yield* server
      const [chat, refused] = yield* Effect.all([
        cli(["chat", "--base-url", baseUrl, "--model", "m", "hi", "--json"], { OPENAI_API_KEY: "sk-bundle" }, command),
        cli(["chat", "--base-url", baseUrl, "--model", "forbidden", "hi"], { OPENAI_API_KEY: "sk-bundle" }, command)
      ], { concurrency: "unbounded" })
      expect(chat.code).toBe(0)
      expect(chat.stdout).toBe(yield* replayJson(new Uint8Array(fixture)))
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain("Invalid token")
      expect(refused.stderr).not.toContain("sk-bundle")
    }), 120_000)

  it.scopedLive("a reader that closes stdout after one line stops replay there: exit code 0, nothing on stderr, the rest unread", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chat-stream-head-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      const command = yield* bundle(dir)
      // 20,000 content deltas (a --json output of about 10 MB, far past a
      // pipe's buffer), then an error event: a command that read on after
      // its reader left would reach it and exit 1.
      const frame = (content: string) =>
        `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content } }] })}\n\n`
      const body = path.join(dir, "long.sse")
      fs.writeFileSync(body, Array.from({ length: 20_000 }, (_, i) => frame(`word${i} `)).join("") + `data: {"error":{"message":"late"}}\n\n`)
      const ended = yield* Effect.async<{ code: number | null; first: string; stderr: string }>((resume) => {
        const child = spawn(process.execPath, [...command, "replay", body, "--json"], { stdio: ["ignore", "pipe", "pipe"] })
        let out = ""
        let stderr = ""
        child.stderr.on("data", (part: Buffer) => (stderr += part.toString("utf8")))
        child.stdout.on("data", (part: Buffer) => {
          if (out.includes("\n")) return
          out += part.toString("utf8")
          if (out.includes("\n")) child.stdout.destroy()
        })
        child.on("close", (code) => resume(Effect.succeed({ code, first: out.slice(0, out.indexOf("\n")), stderr })))
        return Effect.sync(() => child.kill())
      }).pipe(Effect.timeout("30 seconds"))
      expect(JSON.parse(ended.first)._tag).toBe("Chunk")
      expect(ended.stderr).toBe("")
      expect(ended.code).toBe(0)
    }), 60_000)
})
