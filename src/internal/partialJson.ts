/**
 * The incremental engine behind `PartialJson`: a push-down automaton that
 * reproduces `partial-json`'s `parse(text)` (0.1.7, `Allow.ALL`) on every
 * prefix, fed one fragment at a time. This module holds the immutable parser
 * values over it.
 *
 * ## How partial-json works, and what this engine mirrors
 *
 * partial-json trims the text (JavaScript `trim`, so every Unicode space)
 * and runs a recursive descent that never checks what follows the top-level
 * value. Its containers catch every error thrown inside them and return what
 * they hold so far, leaving the index where the error was thrown; the parent
 * then carries on parsing *from that index*. So an error deep inside does not
 * end the parse: it closes the innermost container early and the parent
 * re-reads the offending character. This engine keeps the descent as an
 * explicit stack of open containers plus one `mode` for the innermost context,
 * and "closes a frame without consuming the character" wherever partial-json
 * returns from a `catch`.
 *
 * The engine is spread over:
 *
 * - `partialJsonSyntax.ts`: character classes and the literals;
 * - `partialJsonToken.ts`: the open token (strings and keys, literals and
 *   numbers, the number automaton), with how partial-json reads tokens;
 * - `partialJsonValues.ts`: frames, captures and the lazily built values
 *   handed out, with how they are shared and copied;
 * - `partialJsonEngine.ts`: the `Engine` (the modes, the stack of open
 *   containers and the character loop), with how it reads containers.
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it from the published declarations.)
 */

import { format, NodeInspectSymbol } from "effect/Inspectable"
import * as Option from "effect/Option"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import { Engine } from "./partialJsonEngine.js"

export { Engine } from "./partialJsonEngine.js"
export { work } from "./partialJsonValues.js"

// ---------------------------------------------------------------------------
// Parser values
// ---------------------------------------------------------------------------

/** The parsers' type id (`PartialJson.TypeId` re-exports it; not tagged internal, so its type stays in the published declarations). */
export const TypeId: unique symbol = Symbol.for("effect-chat-stream/PartialJson/Parser")

/** The type of `TypeId`. */
export type TypeId = typeof TypeId

/**
 * An immutable parser value: the text read so far, its value (captured when
 * it was made, built on first read), plus (internally) the engine that has
 * read exactly that text when `version` is the engine's.
 */
export class ParserImpl implements Pipeable {
  readonly [TypeId]: TypeId = TypeId
  readonly #engine: Engine | undefined
  readonly #version: number
  readonly #value: Option.Option<unknown>

  constructor(readonly text: string, engine: Engine | undefined, version: number, value: Option.Option<unknown>) {
    this.#engine = engine
    this.#version = version
    this.#value = value
  }

  feed(delta: string, whole?: string): ParserImpl {
    if (delta.length === 0) return this
    // `whole`: the caller's own copy of `this.text + delta`, shared instead
    // of building another (a long text built by appending is a V8 rope, one
    // node per fragment that lives as long as the text).
    const text = whole !== undefined && whole.length === this.text.length + delta.length ? whole : this.text + delta
    let engine = this.#engine
    if (
      engine !== undefined && engine.version === this.#version &&
      // A finished number that only parsed through the last-`e` fallback
      // fails once any later `e` exists: read everything again in that case.
      !(engine.fragile && delta.includes("e"))
    ) {
      engine.advance(delta, this.text.length)
    } else {
      // A fork (this parser was fed before), the first fragment, or a
      // fragile number: read the whole text.
      engine = Engine.fromText(text)
    }
    return new ParserImpl(text, engine, ++engine.version, engine.capture())
  }

  value(): Option.Option<unknown> {
    return this.#value
  }

  pipe() {
    return pipeArguments(this, arguments)
  }

  toJSON(): unknown {
    return { _id: "PartialJson.Parser", text: this.text }
  }

  toString(): string {
    return format(this.toJSON())
  }

  [NodeInspectSymbol](): unknown {
    return this.toJSON()
  }
}

/** The parser that has read nothing. */
export const empty: ParserImpl = new ParserImpl("", undefined, 0, Option.none())
