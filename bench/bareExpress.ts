// The floor the reference server is measured against: Express 5 answering the bench's routes with
// the bytes the reference server answered them with (captured by bench/capture.ts), and nothing
// else — no authentication, validation, storage or logging. The body parser stays, as in any
// Express JSON API, so a create still reads its body.
//   BENCH_CAPTURE_FILE=<json> BENCH_PORT=<port> node --import tsx bench/bareExpress.ts
import { readFileSync } from "node:fs";
import express from "express";
import type { CapturedAnswer } from "./capture.js";

const captureFile = process.env.BENCH_CAPTURE_FILE;
const port = Number(process.env.BENCH_PORT);
if (!captureFile || !Number.isInteger(port)) {
  console.error("usage: BENCH_CAPTURE_FILE=<json> BENCH_PORT=<port> node --import tsx bench/bareExpress.ts");
  process.exit(2);
}

const answers = JSON.parse(readFileSync(captureFile, "utf8")) as CapturedAnswer[];
const app = express();
// As the reference server's app: no X-Powered-By, no ETag (both change the bytes).
app.disable("x-powered-by");
app.set("etag", false);
app.use(express.json());
for (const answer of answers) {
  const body = Buffer.from(answer.bodyBase64, "base64");
  const method = answer.method === "GET" ? "get" : "post";
  app[method](answer.path, function sendCapturedAnswer(_req, res) {
    res.status(answer.status).set(answer.headers).end(body);
  });
}

const server = app.listen(port, "127.0.0.1");
process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
