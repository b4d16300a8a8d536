/**
 * End to end: the `chat` subcommand of the CLI (a child process) against a
 * `node:http` server on 127.0.0.1. `chat --json --record FILE` prints the
 * same JSON lines as `replay --json FILE` (computed here the way `replay`
 * does, to spare a process start), the recording is the body the
 * server sent, and an unreachable server or an error answer gives one clear
 * line and exit code 1.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cli, fixture, replayJson, server } from "./cli.js"

describe("cli chat", () => {
  it.scopedLive("chat --json --record prints the lines of replay --json on the recording; errors give one line and exit 1", () =>
    Effect.gen(function*() {
      const { baseUrl, seen } = yield* server
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chat-cli-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      const recorded = path.join(dir, "answer.sse")

      const [chat, unreachable, refused] = yield* Effect.all([
        cli(["chat", "--base-url", baseUrl, "--model", "m", "--system", "Be brief.", "hi", "--json", "--record", recorded], {
          OPENAI_API_KEY: "sk-cli-test-key"
        }),
        cli(["chat", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--retries", "0", "hi"]),
        cli(["chat", "--base-url", baseUrl, "--model", "forbidden", "hi", "--json"])
      ], { concurrency: "unbounded" })

      expect(chat.code).toBe(0)
      expect(fs.readFileSync(recorded)).toEqual(fixture)
      expect(chat.stdout).toBe(yield* replayJson(new Uint8Array(fs.readFileSync(recorded))))
      expect(chat.stdout.trim().split("\n").at(-1)).toMatch(/^\{"_tag":"Final"/)

      const request = seen.find((r) => r.authorization !== undefined)!
      expect(request.authorization).toBe("Bearer sk-cli-test-key")
      expect(JSON.parse(request.body!)).toEqual({
        model: "m",
        messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }],
        stream: true,
        stream_options: { include_usage: true }
      })

      expect(unreachable.code).toBe(1)
      expect(unreachable.stdout).toBe("")
      expect(unreachable.stderr.trim().split("\n")).toHaveLength(1)
      expect(unreachable.stderr).toContain("connection refused (ECONNREFUSED)")

      expect(refused.code).toBe(1)
      const failure = JSON.parse(refused.stdout.trim())
      expect(failure).toMatchObject({
        _tag: "Failure",
        error: { _tag: "ApiError", message: "Invalid token", status: 401, code: "invalid_api_key", requestId: "req_cli_401" }
      })
    }))
})
