import { afterAll, describe, expect, it } from "@effect/vitest"
import { Equal, Hash, Option, pipe } from "effect"
import * as fc from "effect/FastCheck"
import { parse as partialJsonParse } from "partial-json"
import { work } from "../src/internal/partialJson.js"
import * as PartialJson from "../src/PartialJson.js"

// ---------------------------------------------------------------------------
// The reference and the comparison
// ---------------------------------------------------------------------------

/** partial-json's answer: some(value), or none where it throws. */
const reference = (text: string): Option.Option<unknown> => {
  try {
    return Option.some(partialJsonParse(text))
  } catch {
    return Option.none()
  }
}

const isObject = (u: unknown): u is object => typeof u === "object" && u !== null

/**
 * The first difference between our value and partial-json's, or undefined.
 * Primitives compare with `Object.is` (so -0 ≠ 0, NaN = NaN); arrays by
 * length and elements; objects by their own keys *in order* and values, and
 * ours must be plain objects. An own `"__proto__"` key of ours is skipped:
 * partial-json sets the prototype there instead (a documented difference,
 * tested on its own below). Iterative, so deep values are fine.
 */
const diff = (ours: unknown, theirs: unknown): string | undefined => {
  const work: Array<[unknown, unknown, string]> = [[ours, theirs, "$"]]
  while (work.length > 0) {
    const [a, b, path] = work.pop()!
    if (!isObject(a) || !isObject(b)) {
      if (!Object.is(a, b)) return `${path}: ${String(a)} vs ${String(b)}`
      continue
    }
    if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`
    if (Array.isArray(a)) {
      const bs = b as Array<unknown>
      if (a.length !== bs.length) return `${path}: length ${a.length} vs ${bs.length}`
      a.forEach((x, i) => work.push([x, bs[i], `${path}[${i}]`]))
      continue
    }
    if (Object.getPrototypeOf(a) !== Object.prototype) return `${path}: not a plain object`
    const keysA = Object.keys(a).filter((k) => k !== "__proto__")
    const keysB = Object.keys(b)
    if (keysA.join("\u0000") !== keysB.join("\u0000")) {
      return `${path}: keys ${JSON.stringify(keysA)} vs ${JSON.stringify(keysB)}`
    }
    for (const k of keysA) {
      work.push([(a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`])
    }
  }
  return undefined
}

const show = (o: Option.Option<unknown>): string =>
  Option.match(o, {
    onNone: () => "none",
    onSome: (v) => JSON.stringify(v, (_, x) => typeof x === "number" && !Number.isFinite(x) ? String(x) : x)
  })

const stats = { texts: 0, prefixes: 0 }

/** Asserts that `ours` is what partial-json returns for `text`. */
const expectAgreement = (text: string, ours: Option.Option<unknown>): void => {
  stats.prefixes++
  const theirs = reference(text)
  const problem = Option.isNone(ours) || Option.isNone(theirs)
    ? Option.isNone(ours) === Option.isNone(theirs) ? undefined : "none vs some"
    : diff(ours.value, theirs.value)
  if (problem !== undefined) {
    expect.fail(`${JSON.stringify(text)}: ${problem}; ours ${show(ours)}, partial-json ${show(theirs)}`)
  }
}

/** Feeds `fragments` one by one, checking the value after each. */
const checkFragments = (fragments: ReadonlyArray<string>): PartialJson.Parser => {
  let parser = PartialJson.empty
  for (const fragment of fragments) {
    parser = PartialJson.feed(parser, fragment)
    expectAgreement(parser.text, PartialJson.value(parser))
  }
  return parser
}

/** Cuts `text` into fragments of the given sizes (cycled). */
const cut = (text: string, sizes: ReadonlyArray<number>): Array<string> => {
  const out: Array<string> = []
  for (let i = 0, k = 0; i < text.length; k++) {
    const size = sizes[k % sizes.length]
    out.push(text.slice(i, i + size))
    i += size
  }
  return out
}

/**
 * Checks `text` three ways: fed one character at a time (every prefix, one
 * engine), fed in the given fragment sizes (fragments of several characters
 * take other paths), and parsed from scratch on every prefix.
 */
const checkText = (text: string, sizes: ReadonlyArray<number>): void => {
  stats.texts++
  checkFragments(Array.from({ length: text.length }, (_, i) => text[i]))
  checkFragments(cut(text, sizes))
  for (let i = 0; i <= text.length; i++) expectAgreement(text.slice(0, i), PartialJson.parse(text.slice(0, i)))
}

afterAll(() => {
  if (process.env.PARTIAL_JSON_STATS) console.log(`PartialJson agreement: ${stats.texts} texts, ${stats.prefixes} checks`)
})

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/** Characters of strings and keys: ASCII, any code unit (lone surrogates too), and some that matter here. */
const stringUnit = fc.oneof(
  fc.char(),
  fc.char16bits(),
  fc.constantFrom("\"", "\\", "/", "e", " ", "\u00a0", "\u2028", "\ufeff", "\n", "\t", "\u0000", "é", "😀", "__proto__")
)

/** A choice tape: serialization decisions read in turn (cycled). */
class Tape {
  private i = 0
  constructor(private readonly choices: ReadonlyArray<number>) {}
  next(n: number): number {
    return this.choices.length === 0 ? 0 : this.choices[this.i++ % this.choices.length] % n
  }
  pick<A>(as: ReadonlyArray<A>): A {
    return as[this.next(as.length)]
  }
}

const BLANKS = ["", "", "", "", " ", "  ", "\n", "\t", "\r\n", "\n    "]

const serializeNumber = (n: number, tape: Tape): string => {
  switch (tape.next(6)) {
    case 0:
      return n.toExponential() // 1.5e+2, 1e-7
    case 1:
      return n.toExponential().replace("e", "E")
    case 2:
      return Number.isInteger(n) && Math.abs(n) < 1e15 ? `${Object.is(n, -0) ? "-0" : n}.0` : JSON.stringify(n)
    case 3:
      return Object.is(n, -0) ? "-0" : JSON.stringify(n)
    default:
      return JSON.stringify(n)
  }
}

const serializeString = (s: string, tape: Tape): string => {
  let out = "\""
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const choice = tape.next(8)
    const hex = c.toString(16).padStart(4, "0")
    if (choice === 0) out += `\\u${tape.next(2) === 0 ? hex : hex.toUpperCase()}`
    else if (c === 34) out += "\\\""
    else if (c === 92) out += "\\\\"
    else if (c === 47 && choice === 1) out += "\\/"
    else if (c < 32) out += JSON.stringify(s[i]).slice(1, -1)
    else out += s[i]
  }
  return out + "\""
}

/** Any JSON text for `value`: random blanks between tokens, varied number and string spellings. */
const serialize = (value: unknown, tape: Tape): string => {
  const blank = () => tape.pick(BLANKS)
  if (typeof value === "number") return serializeNumber(value, tape)
  if (typeof value === "string") return serializeString(value, tape)
  if (!isObject(value)) return JSON.stringify(value)
  if (Array.isArray(value)) {
    return `[${value.map((v) => blank() + serialize(v, tape) + blank()).join(",")}${blank()}]`
  }
  const members = Object.entries(value).map(([k, v]) =>
    `${blank()}${serializeString(k, tape)}${blank()}:${blank()}${serialize(v, tape)}${blank()}`
  )
  return `{${members.join(",")}${blank()}}`
}

const jsonValue = fc.jsonValue({ maxDepth: 4, stringUnit })
const tape = fc.array(fc.nat({ max: 1000 }), { maxLength: 64 })
const fragmentSizes = fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 16 })

/** A JSON document: randomly spaced, compact, or pretty-printed; with optional leading/trailing blanks. */
const jsonDocument = fc.tuple(jsonValue, tape, fc.nat({ max: 5 })).map(([value, choices, style]) => {
  const t = new Tape(choices)
  const body = style === 0
    ? JSON.stringify(value)
    : style === 1
    ? JSON.stringify(value, null, t.pick([2, 4, "\t"]))
    : serialize(value, t)
  return t.pick(["", "", " ", "\n\t"]) + body + t.pick(["", "", " ", "\n", "\u00a0"])
})

const GARBAGE = [..."{}[]\",:0123456789eE.+-tfnulrsaINy \n\t\\/bu", "\u00a0", "\u0001", "\u2028", "é"]

/** Random characters from the JSON alphabet. */
const garbage = fc.array(fc.constantFrom(...GARBAGE), { maxLength: 40 }).map((cs) => cs.join(""))

/** A JSON document with a few random edits: near-JSON, where the quirks live. */
const mutatedDocument = fc.tuple(
  jsonDocument,
  fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.constantFrom(...GARBAGE)), { minLength: 1, maxLength: 4 })
).map(([text, edits]) => {
  for (const [at, op, c] of edits) {
    const i = text.length === 0 ? 0 : at % (text.length + 1)
    text = op === 0
      ? text.slice(0, i) + c + text.slice(i) // insert
      : op === 1
      ? text.slice(0, i) + text.slice(i + 1) // delete
      : text.slice(0, i) + c + text.slice(i + 1) // replace
  }
  return text
})

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe("PartialJson", () => {
  describe("the comparison used below", () => {
    it("tells values apart", () => {
      expect(diff([1, 2], [1, 2])).toBeUndefined()
      expect(diff({ a: [null, "x"], b: NaN }, { a: [null, "x"], b: NaN })).toBeUndefined()
      expect(diff([1], [2])).toBeDefined()
      expect(diff([1], [1, 2])).toBeDefined()
      expect(diff(-0, 0)).toBeDefined()
      expect(diff({ a: 1, b: 2 }, { b: 2, a: 1 })).toBeDefined()
      expect(diff({ a: 1 }, { a: 1, b: undefined })).toBeDefined()
      expect(diff({ a: { b: [1] } }, { a: { b: [true] } })).toBeDefined()
      expect(diff([], {})).toBeDefined()
      expect(diff("1", 1)).toBeDefined()
      expect(diff(Object.create(null), {})).toBeDefined()
      expect(() => expectAgreement("[1", Option.some([2]))).toThrow()
      expect(() => expectAgreement("-", Option.some(0))).toThrow()
      expect(() => expectAgreement("[1", Option.none())).toThrow()
    })
  })

  describe("agreement with partial-json on every prefix", () => {
    it.prop("JSON documents", [jsonDocument, fragmentSizes], ([text, sizes]) => checkText(text, sizes), {
      fastCheck: { numRuns: 400 }
    })

    it.prop("JSON documents with a few edits", [mutatedDocument, fragmentSizes], ([text, sizes]) => checkText(text, sizes), {
      fastCheck: { numRuns: 400 }
    })

    it.prop("garbage", [garbage, fragmentSizes], ([text, sizes]) => checkText(text, sizes), {
      fastCheck: { numRuns: 1000 }
    })

    it("the quirks", () => {
      const cases: ReadonlyArray<[string, Option.Option<unknown>]> = [
        ["", Option.none()],
        [" \n\u00a0", Option.none()],
        ["\"ab  ", Option.some("ab")], // trimmed, then closed
        ["\"ab\\", Option.some("ab")],
        ["\"ab\\u00", Option.some("ab")],
        ["\"ab\\x", Option.some("ab")],
        ["\"ab\\xcd", Option.some("ab")],
        ["\"a\tb", Option.none()], // a raw tab and no backslash to cut at
        ["\"a\\qb\\n", Option.none()],
        ["-", Option.none()],
        ["[-", Option.some([])],
        ["-I", Option.some(-Infinity)],
        ["[-Inf", Option.some([-Infinity])],
        ["[-Inf]", Option.some([])],
        ["Na", Option.some(NaN)],
        ["[tr", Option.some([true])],
        ["[tr]", Option.some([])],
        ["nul", Option.some(null)],
        ["nulx", Option.none()],
        ["truex", Option.some(true)],
        ["1.", Option.none()],
        ["[1.", Option.some([])],
        ["1e", Option.some(1)],
        ["1E", Option.none()],
        ["1 e", Option.some(1)],
        ["1e5e", Option.some(100000)],
        ["1 2", Option.none()],
        ["[1 2]", Option.some([])],
        ["[1 ,2]", Option.some([1, 2])],
        ["[1e,2]", Option.some([1, 2])],
        ["[1e,2,\"e\"]", Option.some([])], // a later "e" breaks the earlier `1e`
        ["[1e] true", Option.some([])], // even after the end
        ["[1,,2]", Option.some([1])],
        ["[[ ], 1]", Option.some([[]])], // `[ ]` leaves its `]` to the parent
        ["[\"a\" \"b\"]", Option.some(["a", "b"])],
        ["[1] x", Option.some([1])],
        ["{\"a\" 1}", Option.some({})],
        ["{\"a\"", Option.some({})],
        ["{\"a\":", Option.some({})],
        ["{\"a\"x1}", Option.some({ a: 1 })], // any character is "the colon"
        ["{\"a\":1, }", Option.some({ a: 1 })],
        ["{\"a\":1,}", Option.some({ a: 1 })],
        ["{\"a\":\"x\" \"b\":2}", Option.some({ a: "x", b: 2 })], // no comma needed
        ["{\"a\":1 \"b\":2}", Option.some({})], // but a number runs to the next , ] or }
        ["{\"a\":[ ], \"b\":1}", Option.some({ a: [] })],
        ["{\"a\":1,\"a\":[2", Option.some({ a: [2] })]
      ]
      for (const [text, expected] of cases) {
        expect(reference(text), `partial-json on ${JSON.stringify(text)}`).toStrictEqual(expected)
        expect(PartialJson.parse(text), JSON.stringify(text)).toStrictEqual(expected)
        checkText(text, [3])
      }
    })

    it("every code unit, in several places", () => {
      // Covers the trimmed set (String.prototype.trim), skipBlank's narrower
      // set, control characters in strings, and every escape letter.
      const check = (before: string, ch: string, after: string) => {
        const text = before + ch + after
        expectAgreement(text, PartialJson.parse(text))
        const fed = pipe(PartialJson.empty, PartialJson.feed(before), PartialJson.feed(ch))
        expectAgreement(fed.text, PartialJson.value(fed))
      }
      // Where trimming matters: every code unit.
      const everywhere: ReadonlyArray<[string, string]> = [["[\"a", ""], ["[1", ",2]"]]
      // Elsewhere: the first 768 code units.
      const low: ReadonlyArray<[string, string]> = [
        ["", ""],
        ["[\"a", "\"]"],
        ["\"\\", ""],
        ["\"\\", "\""],
        ["[1", ""],
        ["{\"k\"", "1}"],
        ["[", "1]"]
      ]
      for (let c = 0; c < 0x10000; c++) {
        const ch = String.fromCharCode(c)
        for (const [before, after] of everywhere) check(before, ch, after)
        if (c < 0x300) for (const [before, after] of low) check(before, ch, after)
      }
    })
  })

  describe("API", () => {
    it("feed is dual, and Parser is pipeable", () => {
      const a = PartialJson.feed(PartialJson.feed(PartialJson.empty, "{\"a\": [1,"), " 2]}")
      const b = pipe(PartialJson.empty, PartialJson.feed("{\"a\": [1,"), PartialJson.feed(" 2]}"))
      const c = PartialJson.empty.pipe(PartialJson.feed("{\"a\": [1,"), PartialJson.feed(" 2]}"))
      for (const p of [a, b, c]) {
        expect(p.text).toBe("{\"a\": [1, 2]}")
        expect(PartialJson.value(p)).toStrictEqual(Option.some({ a: [1, 2] }))
      }
      expect(PartialJson.isParser(a)).toBe(true)
      expect(PartialJson.isParser({ text: "" })).toBe(false)
    })

    it("starts empty, and an empty fragment changes nothing", () => {
      expect(PartialJson.empty.text).toBe("")
      expect(PartialJson.value(PartialJson.empty)).toStrictEqual(Option.none())
      const p = PartialJson.feed(PartialJson.empty, "[1")
      expect(PartialJson.value(PartialJson.feed(p, ""))).toStrictEqual(Option.some([1]))
    })

    it("parse reads a whole text", () => {
      expect(PartialJson.parse("{\"a\": [1, 2], \"b\": \"hel")).toStrictEqual(Option.some({ a: [1, 2], b: "hel" }))
      expect(PartialJson.parse("-")).toStrictEqual(Option.none())
    })
  })

  describe("purity", () => {
    it("a parser fed twice gives both continuations (example)", () => {
      const base = PartialJson.feed(PartialJson.empty, "{\"a\": [1, ")
      const left = PartialJson.feed(base, "2]}")
      const right = PartialJson.feed(base, "\"x\"")
      const leftMore = PartialJson.feed(left, " trailing")
      const rightMore = PartialJson.feed(right, ", {\"b\": tr")
      expect(PartialJson.value(base)).toStrictEqual(Option.some({ a: [1] }))
      expect(PartialJson.value(left)).toStrictEqual(Option.some({ a: [1, 2] }))
      expect(PartialJson.value(right)).toStrictEqual(Option.some({ a: [1, "x"] }))
      expect(PartialJson.value(leftMore)).toStrictEqual(Option.some({ a: [1, 2] }))
      expect(PartialJson.value(rightMore)).toStrictEqual(Option.some({ a: [1, "x", { b: true }] }))
      // asked again, in another order
      expect(PartialJson.value(PartialJson.feed(base, "3"))).toStrictEqual(Option.some({ a: [1, 3] }))
      expect(PartialJson.value(PartialJson.feed(left, ""))).toStrictEqual(Option.some({ a: [1, 2] }))
    })

    it.prop(
      "forks agree with partial-json, fed alternately",
      [jsonDocument, fc.nat(), garbage, fragmentSizes],
      ([text, at, other, sizes]) => {
        const split = text.length === 0 ? 0 : at % text.length
        const base = checkFragments(cut(text.slice(0, split), sizes))
        const baseValue = PartialJson.value(base)
        // One branch continues the document, the other goes elsewhere; they
        // are fed alternately, so each feed finds the engine moved by the other.
        const branches = [cut(text.slice(split), sizes), cut(other + text.slice(split), sizes)]
        const parsers = [base, base]
        for (let i = 0; i < Math.max(branches[0].length, branches[1].length); i++) {
          for (const b of [0, 1]) {
            if (i >= branches[b].length) continue
            parsers[b] = PartialJson.feed(parsers[b], branches[b][i])
            expectAgreement(parsers[b].text, PartialJson.value(parsers[b]))
          }
        }
        expect(parsers[0].text).toBe(text)
        expect(PartialJson.value(base)).toBe(baseValue)
        expectAgreement(base.text, PartialJson.value(PartialJson.feed(base, "")))
      },
      { fastCheck: { numRuns: 200 } }
    )

    it("an older parser's value, asked after feeding on, is its own", () => {
      const p1 = PartialJson.feed(PartialJson.empty, "[\"ab")
      const p2 = PartialJson.feed(p1, "cd\", 1")
      expect(PartialJson.value(p2)).toStrictEqual(Option.some(["abcd", 1]))
      expect(PartialJson.value(p1)).toStrictEqual(Option.some(["ab"]))
      // and feeding the older one again still works
      expect(PartialJson.value(PartialJson.feed(p1, "x"))).toStrictEqual(Option.some(["abx"]))
      expect(PartialJson.value(PartialJson.feed(p2, "]"))).toStrictEqual(Option.some(["abcd", 1]))
    })

    it("a later `e` breaks an earlier `1e`: the new value changes, the old does not", () => {
      const p1 = pipe(PartialJson.empty, PartialJson.feed("[1e, 2, \"x"))
      const p2 = PartialJson.feed(p1, "e\"]")
      expect(PartialJson.value(p1)).toStrictEqual(Option.some([1, 2, "x"]))
      expect(PartialJson.value(p2)).toStrictEqual(Option.some([]))
      expect(PartialJson.value(PartialJson.feed(p1, "\"]"))).toStrictEqual(Option.some([1, 2, "x"]))
      expect(reference(p2.text)).toStrictEqual(Option.some([]))
    })
  })

  describe("immutability and sharing", () => {
    /** Every array and object in `u` is frozen. */
    const deepFrozen = (u: unknown): boolean => {
      const work = [u]
      while (work.length > 0) {
        const v = work.pop()
        if (!isObject(v)) continue
        if (!Object.isFrozen(v)) return false
        work.push(...Object.values(v))
      }
      return true
    }
    /** A faithful text for a value (NaN, ±Infinity, -0 and own "__proto__" included). */
    const canonical = (u: unknown): string =>
      JSON.stringify(u, (_, x) => typeof x === "number" && (!Number.isFinite(x) || Object.is(x, -0)) ? `#${x}` : x)

    it.prop(
      "handed-out values are deeply frozen and never change",
      [jsonDocument, fragmentSizes],
      ([text, sizes]) => {
        const seen: Array<[unknown, string]> = []
        let parser = PartialJson.empty
        for (const fragment of cut(text, sizes)) {
          parser = PartialJson.feed(parser, fragment)
          const value = PartialJson.value(parser)
          if (Option.isNone(value)) continue
          expect(deepFrozen(value.value)).toBe(true)
          seen.push([value.value, canonical(value.value)])
        }
        for (const [value, before] of seen) expect(canonical(value)).toBe(before)
      },
      { fastCheck: { numRuns: 200 } }
    )

    it("mutating a value throws and does not reach later values", () => {
      const p1 = PartialJson.feed(PartialJson.empty, "{\"list\": [{\"a\": 1}, {\"b\": [2")
      const v1 = Option.getOrThrow(PartialJson.value(p1)) as any
      expect(() => v1.list.push(3)).toThrow(TypeError)
      expect(() => {
        v1.list[0].a = 9
      }).toThrow(TypeError)
      expect(() => {
        v1.extra = 1
      }).toThrow(TypeError)
      expect(() => {
        delete v1.list
      }).toThrow(TypeError)
      const p2 = PartialJson.feed(p1, ", 3]}, {\"c\": 4}]}")
      expect(PartialJson.value(p2)).toStrictEqual(Option.some({ list: [{ a: 1 }, { b: [2, 3] }, { c: 4 }] }))
      expect(v1).toStrictEqual({ list: [{ a: 1 }, { b: [2] }] })
    })

    it("finished parts are shared between values, open ones are fresh", () => {
      const p1 = PartialJson.feed(PartialJson.empty, "[{\"a\": [1]}, {\"b\": 2}, [\"x")
      const v1 = Option.getOrThrow(PartialJson.value(p1)) as Array<any>
      const p2 = PartialJson.feed(p1, "y\"], 3")
      const v2 = Option.getOrThrow(PartialJson.value(p2)) as Array<any>
      expect(v1).toStrictEqual([{ a: [1] }, { b: 2 }, ["x"]])
      expect(v2).toStrictEqual([{ a: [1] }, { b: 2 }, ["xy"], 3])
      expect(v2[0]).toBe(v1[0])
      expect(v2[1]).toBe(v1[1])
      expect(v2).not.toBe(v1)
      expect(v2[2]).not.toBe(v1[2])
      // the same parser gives the same value object
      expect(Option.getOrThrow(PartialJson.value(p2))).toBe(v2)
    })
  })

  describe("values built on first read", () => {
    /** What reading `value` of each parser may do: never, at once, at once and again, or after the last feed. */
    const readPlan = fc.array(fc.constantFrom("never", "now", "twice", "later", "later-twice"), { minLength: 1 })

    /**
     * The width of the containers along the last-child path from the root:
     * what a value with every container on that path open would copy.
     */
    const spineWidth = (u: unknown): number => {
      let width = 0
      while (isObject(u)) {
        const children: Array<unknown> = Array.isArray(u) ? u : Object.values(u)
        width += children.length
        u = children[children.length - 1]
      }
      return width
    }

    it.prop(
      "every value is partial-json's on its prefix, whenever and however often it is read",
      [jsonDocument, fragmentSizes, readPlan, fc.boolean()],
      ([text, sizes, plan, reverse]) => {
        const parsers: Array<PartialJson.Parser> = []
        const firstReads = new Map<number, unknown>()
        const read = (i: number) => {
          const value = PartialJson.value(parsers[i])
          expectAgreement(parsers[i].text, value)
          const inner = Option.getOrUndefined(value)
          if (firstReads.has(i)) expect(inner).toBe(firstReads.get(i)) // the same object on every read
          else firstReads.set(i, inner)
        }
        let parser = PartialJson.empty
        for (const fragment of cut(text, sizes)) {
          parser = PartialJson.feed(parser, fragment)
          const i = parsers.push(parser) - 1
          const step = plan[i % plan.length]
          if (step === "now" || step === "twice") read(i)
          if (step === "twice") read(i)
        }
        const late = parsers.map((_, i) => i).filter((i) => plan[i % plan.length].startsWith("later"))
        if (reverse) late.reverse()
        for (const i of late) read(i)
        for (const i of late) if (plan[i % plan.length] === "later-twice") read(i)
        // and the eager way agrees: a parser that read the whole prefix at once
        for (const i of firstReads.keys()) {
          const once = PartialJson.value(PartialJson.feed(PartialJson.empty, parsers[i].text))
          expect(Option.getOrUndefined(once)).toStrictEqual(firstReads.get(i))
        }
      },
      { fastCheck: { numRuns: 300 } }
    )

    it.prop(
      "a value nobody reads copies nothing; one that is read copies its open containers once",
      [jsonDocument, fragmentSizes, fc.boolean()],
      ([text, sizes, late]) => {
        const before = work.copied
        const parsers: Array<PartialJson.Parser> = []
        let parser = PartialJson.empty
        for (const fragment of cut(text, sizes)) parsers.push(parser = PartialJson.feed(parser, fragment))
        expect(work.copied).toBe(before)
        let bound = 0
        const readAll = () => {
          for (const p of parsers) bound += spineWidth(Option.getOrUndefined(PartialJson.value(p)))
        }
        if (late) readAll()
        else {
          // read each as it comes, on a second pass of the same fragments
          parser = PartialJson.empty
          parsers.length = 0
          for (const fragment of cut(text, sizes)) {
            parsers.push(parser = PartialJson.feed(parser, fragment))
            bound += spineWidth(Option.getOrUndefined(PartialJson.value(parser)))
          }
        }
        const copied = work.copied - before
        expect(copied).toBeLessThanOrEqual(bound)
        for (const p of parsers) PartialJson.value(p)
        expect(work.copied - before).toBe(copied) // a second read copies nothing
      },
      { fastCheck: { numRuns: 300 } }
    )

    it("a growing array's values cost their width when read, nothing when not", () => {
      const items = Array.from({ length: 2000 }, (_, i) => ({ id: i, ok: i % 2 === 0 }))
      const fragments = cut(JSON.stringify({ items }), [5])
      const before = work.copied
      let parser = PartialJson.empty
      const parsers = fragments.map((f) => parser = PartialJson.feed(parser, f))
      expect(work.copied).toBe(before)
      // one value in the middle: its root (1 member) and its open array of about 1,000 items
      const middle = Option.getOrThrow(PartialJson.value(parsers[Math.floor(parsers.length / 2)])) as {
        items: Array<unknown>
      }
      expect(middle.items.length).toBeGreaterThan(990)
      expect(work.copied - before).toBeLessThanOrEqual(1 + middle.items.length + 2)
      expect(Option.getOrThrow(PartialJson.value(parsers[parsers.length - 1]))).toStrictEqual({ items })
    })

    it("a lazy value reads as an Option.some to Equal, JSON, inspection and matchers, read or not", () => {
      const fresh = () => PartialJson.value(PartialJson.feed(PartialJson.empty, "{\"a\": [1, {\"b\": tr"))
      const expected = { a: [1, { b: true }] }
      expect(fresh()).toEqual(Option.some(expected)) // unread: a matcher reads it
      expect(fresh()).toStrictEqual(Option.some(expected))
      expect(Option.isSome(fresh())).toBe(true)
      expect(JSON.stringify(fresh())).toBe(JSON.stringify(Option.some(expected)))
      expect(String(fresh())).toBe(String(Option.some(expected)))
      expect({ ...fresh() }).toEqual({ ...Option.some(expected) })
      const value = fresh()
      const inner = Option.getOrThrow(value)
      expect(Equal.equals(value, Option.some(inner))).toBe(true)
      expect(Hash.hash(value)).toBe(Hash.hash(Option.some(inner)))
      expect(Equal.equals(value, Option.some([1]))).toBe(false)
      expect(Option.map(value, (v) => (v as typeof expected).a.length)).toStrictEqual(Option.some(2))
    })
  })

  describe("\"__proto__\" keys", () => {
    it("are own properties, as with JSON.parse, and prototypes never change", () => {
      const text = "{\"__proto__\": {\"polluted\": true}, \"b\": [{\"__proto__\": null}], \"\\u005f_proto__\": 1}"
      const value = Option.getOrThrow(PartialJson.parse(text)) as any
      expect(value).toStrictEqual(JSON.parse(text))
      expect(Object.keys(value)).toStrictEqual(["__proto__", "b"])
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
      expect(Object.getOwnPropertyDescriptor(value, "__proto__")?.value).toBe(1) // the last one wins
      expect(value.polluted).toBeUndefined()
      expect(Object.getPrototypeOf(value.b[0])).toBe(Object.prototype)
      expect(Object.hasOwn(value.b[0], "__proto__")).toBe(true)
      expect(({} as any).polluted).toBeUndefined()
    })

    it("are own properties on every prefix too", () => {
      const text = "{\"a\": 1, \"__proto__\": {\"x\": [1, {\"__proto__\": \"s\"}]}, \"z\": 2}"
      let parser = PartialJson.empty
      for (const ch of text) {
        parser = PartialJson.feed(parser, ch)
        expectAgreement(parser.text, PartialJson.value(parser)) // equal but for "__proto__" keys
        const work = [Option.getOrThrow(PartialJson.value(parser))]
        while (work.length > 0) {
          const v = work.pop()
          if (!isObject(v)) continue
          expect(Object.getPrototypeOf(v)).toBe(Array.isArray(v) ? Array.prototype : Object.prototype)
          work.push(...Object.values(v))
        }
      }
      expect(PartialJson.value(PartialJson.feed(PartialJson.empty, "{\"__proto__\": {\"x\""))).toStrictEqual(
        Option.some(JSON.parse("{\"__proto__\": {}}"))
      )
      expect(PartialJson.value(parser)).toStrictEqual(Option.some(JSON.parse(text)))
    })

    it("differ from partial-json, which assigns them and so sets the prototype", () => {
      const theirs = partialJsonParse("{\"__proto__\": {\"x\": 1}}")
      expect(Object.keys(theirs)).toStrictEqual([])
      expect(Object.getPrototypeOf(theirs)).toStrictEqual({ x: 1 })
      const ours = Option.getOrThrow(PartialJson.parse("{\"__proto__\": {\"x\": 1}}"))
      expect(Object.keys(ours as object)).toStrictEqual(["__proto__"])
    })
  })

  describe("depth and size", () => {
    const depthOf = (u: unknown): number => {
      let depth = 0
      while (isObject(u)) {
        depth++
        u = Array.isArray(u) ? u[0] : Object.values(u)[0]
      }
      return depth
    }

    it("100,000 nested containers do not overflow the stack", () => {
      const n = 100_000
      const open = PartialJson.feed(PartialJson.empty, "[".repeat(n))
      expect(depthOf(Option.getOrThrow(PartialJson.value(open)))).toBe(n)
      const closed = PartialJson.feed(open, "]".repeat(n))
      expect(depthOf(Option.getOrThrow(PartialJson.value(closed)))).toBe(n)
      expect(depthOf(Option.getOrThrow(PartialJson.parse("{\"a\":".repeat(n) + "[tr")))).toBe(n + 1)
      let parser = PartialJson.empty
      for (let i = 0; i < n; i += 1000) parser = PartialJson.feed(parser, "{\"k\": [".repeat(500))
      const value = Option.getOrThrow(PartialJson.value(parser))
      expect(depthOf(value)).toBe(n)
      expect(depthOf(Option.getOrThrow(PartialJson.value(PartialJson.feed(parser, "1"))))).toBe(n)
    })

    it("a long string in small fragments costs linear time", () => {
      // Re-reading the text per fragment would take minutes here.
      const text = JSON.stringify({ content: "é\\\"x ".repeat(100_000) })
      const start = performance.now()
      let parser = PartialJson.empty
      for (let i = 0; i < text.length; i += 5) {
        parser = PartialJson.feed(parser, text.slice(i, i + 5))
        PartialJson.value(parser)
      }
      expect(performance.now() - start).toBeLessThan(5_000)
      expect(PartialJson.value(parser)).toStrictEqual(Option.some(JSON.parse(text)))
    })
  })
})
