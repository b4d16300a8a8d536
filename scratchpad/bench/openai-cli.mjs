// The `openai` package's whole-process counterpart of
// `effect-chat-stream replay FILE --json --events ContentDone,ToolCallArgumentsDone`:
// reads a recorded body from FILE through `ChatCompletionStream` and prints one
// JSON line per content / tool-call-arguments done event, then the final completion's id.
//
//   node scratchpad/bench/openai-cli.mjs FILE [--tool-schema JSON] [--response-schema JSON]
//
// With a strict tool (or json_schema response format) the package parses partial JSON.
import { createReadStream } from "node:fs"
import { Readable } from "node:stream"
import OpenAI from "openai"

const [file, ...rest] = process.argv.slice(2)
const opt = (name) => {
  const i = rest.indexOf(name)
  return i >= 0 ? JSON.parse(rest[i + 1]) : undefined
}
const toolSchema = opt("--tool-schema")
const responseSchema = opt("--response-schema")

const client = new OpenAI({
  apiKey: "sk-oracle",
  baseURL: "http://oracle.invalid/v1",
  maxRetries: 0,
  fetch: async () =>
    new Response(Readable.toWeb(createReadStream(file, { highWaterMark: 16 * 1024 })), {
      status: 200,
      headers: { "content-type": "text/event-stream; charset=utf-8" }
    })
})

const params = {
  model: "gpt-4o-2024-08-06",
  messages: [{ role: "user", content: "oracle" }],
  ...(toolSchema !== undefined
    ? { tools: [{ type: "function", function: { name: "write_file", parameters: toolSchema, strict: true } }] }
    : {}),
  ...(responseSchema !== undefined
    ? { response_format: { type: "json_schema", json_schema: { name: "report", schema: responseSchema, strict: true } } }
    : {})
}

const out = []
const stream = client.chat.completions.stream(params)
stream.on("content.done", (e) => out.push(JSON.stringify({ _tag: "ContentDone", content: e.content, parsed: e.parsed ?? null })))
stream.on("tool_calls.function.arguments.done", (e) =>
  out.push(JSON.stringify({ _tag: "ToolCallArgumentsDone", name: e.name, arguments: e.arguments, parsedArguments: e.parsed_arguments ?? null })))
const final = await stream.finalChatCompletion()
out.push(JSON.stringify({ _tag: "Final", id: final.id }))
process.stdout.write(out.join("\n") + "\n")
