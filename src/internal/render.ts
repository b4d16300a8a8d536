/**
 * Renders events for a person: content as it streams, reasoning set apart,
 * tool calls with their arguments, then finish reasons and usage.
 *
 * Appends deltas; never re-reads a growing snapshot.
 *
 * @internal
 */
import * as Option from "effect/Option"
import type { ChatCompletion } from "../ChatCompletion.js"
import type { ChatStreamEvent } from "../ChatStreamEvent.js"
import * as JsonLines from "../JsonLines.js"

export interface Renderer {
  readonly event: (event: ChatStreamEvent) => void
  readonly end: (completion: Option.Option<ChatCompletion>) => void
  readonly failure: (error: unknown) => void
}

type Section = "none" | "reasoning" | "content" | "refusal" | "tool"

/** The terminal styles, or none without colour. */
interface Styles {
  readonly dim: (s: string) => string
  readonly bold: (s: string) => string
  readonly red: (s: string) => string
}

const stylesFor = (color: boolean): Styles => ({
  dim: (s) => (color ? `\x1b[2m${s}\x1b[22m` : s),
  bold: (s) => (color ? `\x1b[1m${s}\x1b[22m` : s),
  red: (s) => (color ? `\x1b[31m${s}\x1b[39m` : s)
})

/** The output so far: the section and choice being written, and whether a line is open. */
interface Layout {
  readonly out: (text: string) => void
  readonly newline: () => void
  /** Starts `next` of choice `choiceIndex` (with a choice header when needed) unless it is the current one. */
  readonly enter: (next: Section, choiceIndex: number, header: string) => void
  /** Whether the tool section of choice `choiceIndex` is the current one. */
  readonly inTool: (choiceIndex: number) => boolean
}

const makeLayout = (write: (text: string) => void, styles: Styles): Layout => {
  let section: Section = "none"
  let choice = -1
  let multipleChoices = false
  let atLineStart = true
  const out = (text: string) => {
    if (text.length === 0) return
    write(text)
    atLineStart = text.endsWith("\n")
  }
  const newline = () => {
    if (!atLineStart) out("\n")
  }
  const enter = (next: Section, choiceIndex: number, header: string) => {
    if (choiceIndex !== choice) {
      if (choice !== -1) multipleChoices = true
      choice = choiceIndex
      section = "none"
      if (multipleChoices || choiceIndex !== 0) {
        newline()
        out(styles.bold(`── choice ${choiceIndex} ──`) + "\n")
      }
    }
    if (section !== next) {
      newline()
      if (header !== "") out(header)
      section = next
    }
  }
  return { out, newline, enter, inTool: (choiceIndex) => section === "tool" && choice === choiceIndex }
}

const renderEvent = (layout: Layout, styles: Styles, event: ChatStreamEvent): void => {
  const { dim, bold, red } = styles
  const { out, newline, enter } = layout
  switch (event._tag) {
    case "ReasoningDelta":
      enter("reasoning", event.choiceIndex, dim("thinking: "))
      out(dim(event.delta))
      break
    case "ContentDelta":
      enter("content", event.choiceIndex, "")
      out(event.delta)
      break
    case "RefusalDelta":
      enter("refusal", event.choiceIndex, red("refusal: "))
      out(red(event.delta))
      break
    case "ToolCallArgumentsDelta":
      if (!layout.inTool(event.choiceIndex)) {
        enter("tool", event.choiceIndex, "")
      }
      break
    case "ToolCallArgumentsDone":
      enter("tool", event.choiceIndex, "")
      newline()
      out(`${bold("→ " + (event.name || "(unnamed)"))}(${event.arguments}) ${dim(event.id)}\n`)
      break
    default:
      break
  }
}

const renderEnd = (layout: Layout, styles: Styles, completion: Option.Option<ChatCompletion>): void => {
  const { dim } = styles
  layout.newline()
  if (Option.isNone(completion)) {
    layout.out(dim("(no completion)") + "\n")
    return
  }
  const c = completion.value
  const reasons = c.choices.map((ch) =>
    c.choices.length > 1 ? `${ch.index}: ${ch.finish_reason ?? "none"}` : `${ch.finish_reason ?? "none"}`
  )
  let line = `finish_reason: ${reasons.join(", ")}`
  if (c.usage !== undefined) {
    const u = c.usage
    line += ` · usage: ${u.prompt_tokens ?? "?"} prompt + ${u.completion_tokens ?? "?"} completion = ${
      u.total_tokens ?? "?"
    } tokens`
  }
  layout.out(dim(`[${c.model || "unknown model"}] ${line}`) + "\n")
}

const renderFailure = (
  layout: Layout,
  styles: Styles,
  writeError: (text: string) => void,
  error: unknown
): void => {
  const { dim, red } = styles
  layout.newline()
  const json = JsonLines.errorJson(error)
  writeError(red(`error (${String(json._tag)}): ${String(json.message)}`) + "\n")
  if (json.snapshot !== null && json.snapshot !== undefined) {
    writeError(dim("(the text above is what was received before the error)") + "\n")
  }
}

export const makeRenderer = (
  write: (text: string) => void,
  writeError: (text: string) => void,
  color: boolean
): Renderer => {
  const styles = stylesFor(color)
  const layout = makeLayout(write, styles)
  return {
    event: (event) => renderEvent(layout, styles, event),
    end: (completion) => renderEnd(layout, styles, completion),
    failure: (error) => renderFailure(layout, styles, writeError, error)
  }
}
