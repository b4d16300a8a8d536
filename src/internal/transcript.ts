/**
 * The transcripts of the test layer: a written answer (reasoning, content,
 * refusal, tool calls, finish reason, usage) as the chunks an
 * OpenAI-compatible server would stream, and JSON values as SSE text.
 * `ChatCompletionsTest` documents and exports them.
 *
 * Not public API.
 */

/** An answer to write as a transcript rather than as chunks (`ChatCompletionsTest.Transcript`). */
export interface Transcript {
  readonly id?: string | undefined
  readonly model?: string | undefined
  /** Reasoning text, sent first, as `reasoning_content` (or the field named by `reasoningField`). */
  readonly reasoning?: string | undefined
  readonly reasoningField?: "reasoning_content" | "reasoning" | undefined
  readonly content?: string | undefined
  readonly refusal?: string | undefined
  /** Tool calls, sent after the content; arguments given as an object are serialised. */
  readonly toolCalls?:
    | ReadonlyArray<{ readonly id?: string | undefined; readonly name: string; readonly arguments: string | object }>
    | undefined
  /** Default: `"tool_calls"` when there are tool calls, else `"stop"`. */
  readonly finishReason?: string | undefined
  /** A last chunk with `choices: []` and this usage; none when omitted. */
  readonly usage?:
    | { readonly prompt_tokens: number; readonly completion_tokens: number; readonly total_tokens?: number }
    | undefined
  /** Characters per content / reasoning / arguments fragment (default: one word per fragment). */
  readonly fragmentSize?: number | undefined
}

const fragments = (text: string, size: number | undefined): Array<string> => {
  if (text === "") return []
  if (size !== undefined && size > 0) {
    const out: Array<string> = []
    for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size))
    return out
  }
  return text.match(/\S+\s*|\s+/g) ?? [text]
}

/** The chunks an OpenAI-compatible server would stream for a transcript (`ChatCompletionsTest.transcriptChunks`). */
export const transcriptChunks = (spec: Transcript): Array<Record<string, unknown>> => {
  const id = spec.id ?? "chatcmpl-test"
  const model = spec.model ?? "test-model"
  const created = 1_700_000_000
  const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason }]
  })
  const out: Array<Record<string, unknown>> = [chunk({ role: "assistant", content: "" })]
  const reasoningField = spec.reasoningField ?? "reasoning_content"
  for (const piece of fragments(spec.reasoning ?? "", spec.fragmentSize)) out.push(chunk({ [reasoningField]: piece }))
  for (const piece of fragments(spec.content ?? "", spec.fragmentSize)) out.push(chunk({ content: piece }))
  for (const piece of fragments(spec.refusal ?? "", spec.fragmentSize)) out.push(chunk({ refusal: piece }))
  ;(spec.toolCalls ?? []).forEach((call, index) => {
    const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments)
    out.push(chunk({
      tool_calls: [{ index, id: call.id ?? `call_${index}`, type: "function", function: { name: call.name, arguments: "" } }]
    }))
    for (const piece of fragments(args, spec.fragmentSize ?? 8)) {
      out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }))
    }
  })
  const finish = spec.finishReason ?? ((spec.toolCalls ?? []).length > 0 ? "tool_calls" : "stop")
  out.push(chunk({}, finish))
  if (spec.usage !== undefined) {
    out.push({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [],
      usage: {
        prompt_tokens: spec.usage.prompt_tokens,
        completion_tokens: spec.usage.completion_tokens,
        total_tokens: spec.usage.total_tokens ?? spec.usage.prompt_tokens + spec.usage.completion_tokens
      }
    })
  }
  return out
}

/** JSON values as SSE text (`ChatCompletionsTest.sseText`). */
export const sseText = (values: ReadonlyArray<unknown>, done = true): string =>
  values.map((value) => `data: ${JSON.stringify(value)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "")
