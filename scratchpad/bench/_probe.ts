import { generate } from "./generate.js"
import { lib, libFold, floor, openai, openaiParams } from "./contestants.js"
const g = generate("content", 20000)
for (const [name, f] of [["lib", () => lib(g.pieces)], ["libBatched", () => lib(g.pieces, true)], ["libFold", () => libFold(g.pieces)], ["openai", () => openai(g.pieces, openaiParams("content", false))], ["floor", () => floor(g.pieces)]] as const) {
  for (let i = 0; i < 4; i++) {
    const c0 = process.cpuUsage(); const t0 = performance.now()
    await f()
    const wall = performance.now() - t0; const c = process.cpuUsage(c0)
    console.log(name, wall.toFixed(0), "ms wall", ((c.user + c.system) / 1000).toFixed(0), "ms cpu")
  }
}
