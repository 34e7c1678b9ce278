// `npm run langgraph`: the echo graph on a real local LangGraph server, for the seeded EvalStudio connector.
import { startLangGraphServer } from "../src/langgraph/devServer.js";

const port = Number(process.env.LANGGRAPH_PORT ?? 8123);
const server = await startLangGraphServer(undefined, port);
console.log(`LangGraph server with the echo graph (assistant "echo") on ${server.url}`);
const stop = () => void server.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
