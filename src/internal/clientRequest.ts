/**
 * The request of the HTTP client service: its URL (the base URL checked,
 * `/chat/completions` joined to it, the URL shown in messages).
 *
 * Not public API.
 */

/** `base` + `/path`, with exactly one slash between them; the base's query is kept. */
export const joinUrl = (base: string | URL, path: string): string => {
  const url = new URL(base.toString())
  url.pathname = url.pathname.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "")
  return url.toString()
}

const parses = (text: string): URL | undefined => {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

/**
 * Why a base URL cannot be used, or `undefined` when it can: it must parse
 * as a URL whose scheme is `http:` or `https:`. A base without a scheme
 * (`localhost:8080/v1`, `127.0.0.1:11434/v1`) gets a suggestion.
 */
export const baseUrlProblem = (base: string): string | undefined => {
  const text = base.trim()
  if (text === "") return "it is empty"
  const parsed = parses(text)
  if (parsed !== undefined && (parsed.protocol === "http:" || parsed.protocol === "https:")) return undefined
  if (parsed === undefined && /^https?:\/\//i.test(text)) return "it is not a valid URL"
  // A suggestion only for a host (and port) without its scheme, or a scheme missing its colon.
  const missingColon = /^(https?)\/\/(.*)$/i.exec(text)
  const guess = missingColon !== null
    ? `${missingColon[1]}://${missingColon[2]}`
    : /^[a-z0-9.-]+(:\d+)?(\/|$)/i.test(text)
    ? `http://${text}`
    : undefined
  const suggestion = guess !== undefined && parses(guess) !== undefined
    ? ` (did you mean "${displayUrl(guess)}"?)`
    : ""
  return `it must start with http:// or https://${suggestion}`
}

/**
 * A URL for messages: scheme, host and path only (a query may hold a key, as
 * Gemini's `key=`; user info never shows).
 */
export const displayUrl = (url: string): string => {
  const parsed = parses(url)
  if (parsed === undefined) return url.replace(/[?#].*$/, "")
  // `origin` is "null" for a scheme that is not http(s) (`localhost:8080/v1` parses with scheme `localhost:`)
  const origin = parsed.origin !== "null"
    ? parsed.origin
    : `${parsed.protocol}${parsed.host === "" ? "" : `//${parsed.host}`}`
  return `${origin}${parsed.pathname}`
}
