/**
 * Generators of realistic streamed chat-completion bodies (OpenAI wire
 * format): every chunk carries `id`, `object`, `created`, `model`,
 * `service_tier`, `system_fingerprint`, `choices[0].{index, delta, logprobs,
 * finish_reason}` and `usage: null` (as with `stream_options.include_usage`),
 * then a final usage chunk with `choices: []` and `data: [DONE]`.
 *
 * Everything is deterministic (seeded PRNG), so every run and every
 * contestant sees the same bytes, cut into the same 16 KiB reads.
 */

export type CaseKind = "content" | "reasoning" | "toolString" | "toolArray" | "logprobs" | "jsonContent"

/** What the caller needs to know about a generated stream. */
export interface Generated {
  readonly kind: CaseKind
  /** The case size: deltas for content/reasoning/logprobs, KiB of JSON text for tool/json cases. */
  readonly size: number
  readonly body: Uint8Array
  /** The network-sized reads of `body`, shared by every contestant. */
  readonly pieces: ReadonlyArray<Uint8Array>
  /** Number of `data:` chunk events (without `[DONE]`). */
  readonly chunks: number
  /** Number of deltas of the measured kind. */
  readonly deltas: number
  /** The text the final snapshot must hold (content, reasoning or tool arguments). */
  readonly expectedText: string
  /** Number of content logprobs the final snapshot must hold (logprobs case). */
  readonly expectedLogprobs: number
}

export const READ_SIZE = 16 * 1024

// -----------------------------------------------------------------------------
// deterministic randomness
// -----------------------------------------------------------------------------

const mulberry32 = (seed: number) => () => {
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** Tokens of prose, ~4.5 characters on average, with some non-ASCII and newlines. */
const TOKENS = [
  " the", " of", " and", " to", " a", " in", " is", " that", " for", " it", " with", " as", " was", " on",
  " stream", " token", " model", " value", " function", " result", " between", " however", ",", ".", ":",
  "\n", "\n\n", " (", ")", " \"", "\"", " café", " naïve", " 日本", "語", " 🚀", " résumé", "-", " 42", "%",
  "Hello", " world", " The", " This", " reasoning", " consider", " Therefore", " step", " first", " we"
]

const pickTokens = (n: number, seed: number): Array<string> => {
  const random = mulberry32(seed)
  const out: Array<string> = new Array(n)
  for (let i = 0; i < n; i++) out[i] = TOKENS[Math.floor(random() * TOKENS.length)]
  return out
}

/** Splits a text into fragments of `size` code points (never inside a surrogate pair). */
export const fragments = (text: string, size: number): Array<string> => {
  const points = Array.from(text)
  const out: Array<string> = []
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(""))
  return out
}

// -----------------------------------------------------------------------------
// the wire format
// -----------------------------------------------------------------------------

const ID = "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT"
const CREATED = 1741569952
const MODEL = "gpt-4o-2024-08-06"
const FINGERPRINT = "fp_eb9dce56a8"

const chunkJson = (delta: unknown, finishReason: string | null, logprobs: unknown = null): string =>
  JSON.stringify({
    id: ID,
    object: "chat.completion.chunk",
    created: CREATED,
    model: MODEL,
    service_tier: "default",
    system_fingerprint: FINGERPRINT,
    choices: [{ index: 0, delta, logprobs, finish_reason: finishReason }],
    usage: null
  })

const usageJson = (completionTokens: number): string =>
  JSON.stringify({
    id: ID,
    object: "chat.completion.chunk",
    created: CREATED,
    model: MODEL,
    service_tier: "default",
    system_fingerprint: FINGERPRINT,
    choices: [],
    usage: {
      prompt_tokens: 1234,
      completion_tokens: completionTokens,
      total_tokens: 1234 + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0
      }
    }
  })

/** `data: …\n\n` for each chunk, the usage chunk and `[DONE]`, cut into reads. */
const assemble = (datas: Array<string>): { body: Uint8Array; pieces: Array<Uint8Array> } => {
  const parts: Array<string> = []
  for (const data of datas) parts.push(`data: ${data}\n\n`)
  parts.push("data: [DONE]\n\n")
  const body = new TextEncoder().encode(parts.join(""))
  const pieces: Array<Uint8Array> = []
  for (let i = 0; i < body.length; i += READ_SIZE) pieces.push(body.subarray(i, Math.min(i + READ_SIZE, body.length)))
  return { body, pieces }
}

// -----------------------------------------------------------------------------
// the cases
// -----------------------------------------------------------------------------

const textStream = (kind: CaseKind, size: number, deltas: Array<string>, field: "content" | "reasoning_content"): Generated => {
  const datas: Array<string> = []
  if (field === "content") {
    datas.push(chunkJson({ role: "assistant", content: "", refusal: null }, null))
    for (const d of deltas) datas.push(chunkJson({ content: d }, null))
  } else {
    // DeepSeek-style: reasoning_content deltas (with content: null), then a short answer.
    datas.push(chunkJson({ role: "assistant", content: null, reasoning_content: "" }, null))
    for (const d of deltas) datas.push(chunkJson({ content: null, reasoning_content: d }, null))
    for (const d of pickTokens(20, 7)) datas.push(chunkJson({ content: d, reasoning_content: null }, null))
  }
  datas.push(chunkJson({}, "stop"))
  datas.push(usageJson(deltas.length))
  return {
    kind,
    size,
    ...assemble(datas),
    chunks: datas.length,
    deltas: deltas.length,
    expectedText: deltas.join(""),
    expectedLogprobs: 0
  }
}

const content = (n: number): Generated => textStream("content", n, pickTokens(n, 1), "content")
const reasoning = (n: number): Generated => textStream("reasoning", n, pickTokens(n, 2), "reasoning_content")

/** A JSON text of about `bytes` code units: one long string field (a source file being written). */
const longStringArguments = (bytes: number): string => {
  const random = mulberry32(3)
  const lines = [
    "export const handler = async (request: Request): Promise<Response> => {",
    "  const body = await request.json() as { \"name\": string }",
    "  // escape test: backslash \\ and tab\t and quote \" inside",
    "  return new Response(JSON.stringify({ greeting: `Hello, ${body.name}` }), {",
    "    headers: { \"content-type\": \"application/json\" }",
    "  })",
    "}",
    "",
    "/** Résumé of the café's naïve pricing model: ≥ 42 € per unit. */",
    "const table = [1, 2, 3].map((n) => n * 2).filter((n) => n > 2)"
  ]
  const escaped = lines.map((l) => JSON.stringify(l + "\n").length - 2)
  let text = ""
  let length = JSON.stringify({ path: "src/generated/handler.ts", content: "" }).length
  while (length < bytes) {
    const i = Math.floor(random() * lines.length)
    text += lines[i] + "\n"
    length += escaped[i]
  }
  return JSON.stringify({ path: "src/generated/handler.ts", content: text })
}

/** A JSON text of about `bytes` code units: an array of small objects (a batch of edits). */
const arrayArguments = (bytes: number): string => {
  const items: Array<unknown> = []
  let length = JSON.stringify({ file: "src/data.json", items: [] }).length
  for (let i = 0; length < bytes; i++) {
    const item = { id: i, op: i % 3 === 0 ? "insert" : "replace", line: i * 3 + 1, text: `value ${i}`, ok: i % 2 === 0 }
    length += JSON.stringify(item).length + 1
    items.push(item)
  }
  return JSON.stringify({ file: "src/data.json", items })
}

const toolStream = (kind: CaseKind, kib: number, args: string): Generated => {
  const parts = fragments(args, 5)
  const datas: Array<string> = []
  datas.push(chunkJson({
    role: "assistant",
    content: null,
    tool_calls: [{ index: 0, id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", type: "function", function: { name: TOOL_NAME, arguments: "" } }],
    refusal: null
  }, null))
  for (const p of parts) datas.push(chunkJson({ tool_calls: [{ index: 0, function: { arguments: p } }] }, null))
  datas.push(chunkJson({}, "tool_calls"))
  datas.push(usageJson(parts.length))
  return { kind, size: kib, ...assemble(datas), chunks: datas.length, deltas: parts.length, expectedText: args, expectedLogprobs: 0 }
}

export const TOOL_NAME = "write_file"

const toolString = (kib: number): Generated => toolStream("toolString", kib, longStringArguments(kib * 1024))
const toolArray = (kib: number): Generated => toolStream("toolArray", kib, arrayArguments(kib * 1024))

const logprobs = (n: number): Generated => {
  const tokens = pickTokens(n, 4)
  const random = mulberry32(5)
  const bytesOf = (s: string) => Array.from(new TextEncoder().encode(s))
  const datas: Array<string> = [chunkJson({ role: "assistant", content: "", refusal: null }, null, { content: [], refusal: null })]
  for (const token of tokens) {
    const lp = -random() * 3
    const entry = {
      token,
      logprob: lp,
      bytes: bytesOf(token),
      top_logprobs: [
        { token, logprob: lp, bytes: bytesOf(token) },
        { token: " alt", logprob: lp - 1.25, bytes: bytesOf(" alt") },
        { token: " other", logprob: lp - 2.5, bytes: bytesOf(" other") }
      ]
    }
    datas.push(chunkJson({ content: token }, null, { content: [entry], refusal: null }))
  }
  datas.push(chunkJson({}, "stop"))
  datas.push(usageJson(n))
  return { kind: "logprobs", size: n, ...assemble(datas), chunks: datas.length, deltas: n, expectedText: tokens.join(""), expectedLogprobs: n }
}

/** Content that is a JSON document (structured output): nested objects, arrays and prose strings. */
const jsonDocument = (bytes: number): string => {
  const random = mulberry32(6)
  const sections: Array<unknown> = []
  const doc = { title: "Quarterly report", language: "en", sections }
  let length = JSON.stringify(doc).length
  for (let i = 0; length < bytes; i++) {
    const words = pickTokens(20 + Math.floor(random() * 40), 100 + i).join("").trim()
    const section = {
      heading: `Section ${i + 1}`,
      body: words,
      score: Math.round(random() * 1000) / 10,
      tags: ["alpha", "beta", i % 2 === 0 ? "even" : "odd"],
      published: i % 3 !== 0
    }
    length += JSON.stringify(section).length + 1
    sections.push(section)
  }
  return JSON.stringify(doc)
}

const jsonContent = (kib: number): Generated => {
  const text = jsonDocument(kib * 1024)
  const parts = fragments(text, 5)
  const g = textStream("jsonContent", kib, parts, "content")
  return { ...g, expectedText: text }
}

export const generate = (kind: CaseKind, size: number): Generated => {
  switch (kind) {
    case "content":
      return content(size)
    case "reasoning":
      return reasoning(size)
    case "toolString":
      return toolString(size)
    case "toolArray":
      return toolArray(size)
    case "logprobs":
      return logprobs(size)
    case "jsonContent":
      return jsonContent(size)
  }
}

/** The JSON schema of the tool / response format given to the `openai` package. */
export const TOOL_PARAMETERS: Record<CaseKind, Record<string, unknown> | undefined> = {
  content: undefined,
  reasoning: undefined,
  logprobs: undefined,
  toolString: {
    type: "object",
    properties: { path: { type: "string" }, content: { type: "string" } },
    required: ["path", "content"],
    additionalProperties: false
  },
  toolArray: {
    type: "object",
    properties: {
      file: { type: "string" },
      items: {
        type: "array",
        items: {
          type: "object",
          properties: {
            id: { type: "integer" },
            op: { type: "string" },
            line: { type: "integer" },
            text: { type: "string" },
            ok: { type: "boolean" }
          },
          required: ["id", "op", "line", "text", "ok"],
          additionalProperties: false
        }
      }
    },
    required: ["file", "items"],
    additionalProperties: false
  },
  jsonContent: {
    type: "object",
    properties: {
      title: { type: "string" },
      language: { type: "string" },
      sections: {
        type: "array",
        items: {
          type: "object",
          properties: {
            heading: { type: "string" },
            body: { type: "string" },
            score: { type: "number" },
            tags: { type: "array", items: { type: "string" } },
            published: { type: "boolean" }
          },
          required: ["heading", "body", "score", "tags", "published"],
          additionalProperties: false
        }
      }
    },
    required: ["title", "language", "sections"],
    additionalProperties: false
  }
}
