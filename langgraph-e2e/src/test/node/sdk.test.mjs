// LangGraph's official JS client against Forge's LangGraph API (FORGE_LG_URL: the gateway's /lg), run by
// LangGraphClientTest with a real gateway and worker. Flows: document-review (classifier → router → a reviewer →
// aggregator) and slow-pipeline (fetch, slow_step 1.5 s, finish), answered by the scripted model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@langchain/langgraph-sdk";

const apiUrl = process.env.FORGE_LG_URL;
const restUrl = process.env.FORGE_REST_URL;
const adminKey = process.env.FORGE_API_KEY;
const client = new Client({ apiUrl, apiKey: adminKey });
const contract = { text: "Review this contract: the liability clause and governing law." };

async function collect(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const events = (chunks, name) => chunks.filter((c) => c.event === name);

let assistant;

test("assistants: create on document-review, get, search, count, update, versions, graph, schemas", async () => {
  assistant = await client.assistants.create({ graphId: "document-review", name: "lg-review",
    metadata: { team: "lg-e2e" }, config: { configurable: {} } });
  assert.equal(assistant.graph_id, "document-review");
  assert.equal(assistant.name, "lg-review");
  assert.deepEqual(assistant.metadata, { team: "lg-e2e" });
  assert.match(assistant.assistant_id, /^[0-9a-f-]{36}$/);

  const got = await client.assistants.get(assistant.assistant_id);
  assert.equal(got.assistant_id, assistant.assistant_id);

  const found = await client.assistants.search({ metadata: { team: "lg-e2e" }, graphId: "document-review" });
  assert.deepEqual(found.map((a) => a.assistant_id), [assistant.assistant_id]);
  assert.equal(await client.assistants.count({ metadata: { team: "lg-e2e" } }), 1);
  // the graph's default assistant, as LangGraph's server makes one per graph
  const defaults = await client.assistants.search({ metadata: { created_by: "system" } });
  assert.ok(defaults.some((a) => a.graph_id === "document-review"), JSON.stringify(defaults));

  const again = await client.assistants.create({ graphId: "document-review", assistantId: assistant.assistant_id,
    ifExists: "do_nothing" });
  assert.equal(again.assistant_id, assistant.assistant_id);
  await assert.rejects(client.assistants.create({ graphId: "document-review", assistantId: assistant.assistant_id }),
    (e) => e.status === 409);
  await assert.rejects(client.assistants.create({ graphId: "no-such-graph" }), (e) => e.status === 422);

  const updated = await client.assistants.update(assistant.assistant_id, { metadata: { team: "lg-e2e", v: 2 } });
  assert.equal(updated.version, 2);
  const versions = await client.assistants.getVersions(assistant.assistant_id);
  assert.deepEqual(versions.map((v) => v.version).sort(), [1, 2]);

  const graph = await client.assistants.getGraph(assistant.assistant_id);
  const nodes = graph.nodes.map((n) => n.id);
  for (const id of ["__start__", "classifier", "router", "legal_reviewer", "aggregator", "__end__"]) {
    assert.ok(nodes.includes(id), `${id} in ${nodes}`);
  }
  assert.ok(graph.edges.some((e) => e.source === "router" && e.target === "legal_reviewer" && e.conditional));
  const schemas = await client.assistants.getSchemas(assistant.assistant_id);
  assert.equal(schemas.graph_id, "document-review");
  assert.ok(schemas.state_schema.properties.outputs.properties.classifier);
});

test("threads: create, get, search, count, update", async () => {
  const thread = await client.threads.create({ metadata: { user: "ada", suite: "lg-e2e" } });
  assert.equal(thread.status, "idle");
  assert.deepEqual(thread.values, {});
  const got = await client.threads.get(thread.thread_id);
  assert.deepEqual(got.metadata, { user: "ada", suite: "lg-e2e" });
  const updated = await client.threads.update(thread.thread_id, { metadata: { stage: "draft" } });
  assert.equal(updated.metadata.stage, "draft");
  assert.equal(updated.metadata.user, "ada");
  const found = await client.threads.search({ metadata: { user: "ada" } });
  assert.deepEqual(found.map((t) => t.thread_id), [thread.thread_id]);
  assert.equal(await client.threads.count({ metadata: { suite: "lg-e2e" } }), 1);
  const same = await client.threads.create({ threadId: thread.thread_id, ifExists: "do_nothing" });
  assert.equal(same.thread_id, thread.thread_id);
  await assert.rejects(client.threads.create({ threadId: thread.thread_id }), (e) => e.status === 409);
});

test("stream mode values: the state after each step, the last with every executor's output", async () => {
  const thread = await client.threads.create();
  const chunks = await collect(client.runs.stream(thread.thread_id, assistant.assistant_id,
    { input: contract, streamMode: "values" }));
  assert.equal(chunks[0].event, "metadata");
  assert.match(chunks[0].data.run_id, /^[0-9a-f-]{36}$/);
  const values = events(chunks, "values");
  assert.ok(values.length >= 4, JSON.stringify(chunks));
  assert.deepEqual(values[0].data.input, contract);
  const last = values.at(-1).data;
  assert.equal(last.outputs.classifier.category, "legal");
  assert.match(last.outputs.legal_reviewer, /Legal review/);
  assert.ok(last.outputs.aggregator);
  assert.equal(last.messages[0].type, "human");
  assert.ok(last.messages.some((m) => m.type === "ai" && m.name === "legal_reviewer"));
  assert.equal(events(chunks, "error").length, 0);
});

test("stream mode updates: one update per executor, in order", async () => {
  const thread = await client.threads.create();
  const chunks = await collect(client.runs.stream(thread.thread_id, assistant.assistant_id,
    { input: contract, streamMode: "updates" }));
  const nodes = events(chunks, "updates").map((c) => Object.keys(c.data)[0]);
  assert.deepEqual(nodes, ["classifier", "router", "legal_reviewer", "aggregator"]);
  assert.equal(events(chunks, "updates")[0].data.classifier.category, "legal");
});

test("stream modes messages and messages-tuple: the reviewers' messages", async () => {
  const thread = await client.threads.create();
  const chunks = await collect(client.runs.stream(thread.thread_id, assistant.assistant_id,
    { input: contract, streamMode: ["messages", "messages-tuple"] }));
  const complete = events(chunks, "messages/complete").flatMap((c) => c.data);
  assert.ok(complete.some((m) => m.type === "ai" && /Legal review/.test(m.content)), JSON.stringify(chunks));
  const tuples = events(chunks, "messages");
  assert.ok(tuples.length > 0, JSON.stringify(chunks));
  const [message, metadata] = tuples.find((t) => t.data[1].langgraph_node === "legal_reviewer").data;
  assert.match(message.content, /Legal review/);
  assert.equal(metadata.thread_id, thread.thread_id);
});

test("a streaming model's tokens: messages-tuple chunks, messages/partial so far, then complete", async () => {
  // the worker's delta channel connects on its first delta (best effort until then): warm-up runs until one of
  // them streams tokens (CI once saw none in the run after a single warm-up, on a loaded machine)
  for (let i = 0; i < 5; i++) {
    const warm = await collect(client.runs.stream(null, "streamed-answer",
      { input: { topic: "warm-up" }, streamMode: ["messages-tuple"] }));
    if (events(warm, "messages").some((c) => c.data[0].type === "AIMessageChunk")) break;
  }
  const chunks = await collect(client.runs.stream(null, "streamed-answer",
    { input: { topic: "q3" }, streamMode: ["messages-tuple", "messages"] }));
  const answer = "Quarterly summary: revenue grew fourteen percent while costs held flat, so margins widened "
    + "across every region.";
  const tuples = events(chunks, "messages").filter((c) => c.data[1].langgraph_node === "writer");
  assert.ok(tuples.length > 3, JSON.stringify(chunks));
  assert.equal(tuples[0].data[0].type, "AIMessageChunk");
  // token deltas are best effort (a loaded machine may deliver the last ones after the run ended): what came is
  // the answer's beginning, in order; the complete message is the answer
  const streamed = tuples.map((c) => c.data[0].content).join("");
  assert.ok(streamed.length > 0 && answer.startsWith(streamed), streamed);
  const partial = events(chunks, "messages/partial");
  assert.ok(partial.length > 3);
  assert.equal(partial.at(-1).data[0].content, streamed);
  assert.ok(partial.every((c) => !c.id), "token deltas are not stored: no event id");
  assert.equal(events(chunks, "messages/complete").at(-1).data[0].content, answer);
});

test("stream modes events and debug", async () => {
  const chunks = await collect(client.runs.stream(null, assistant.assistant_id,
    { input: contract, streamMode: ["events", "debug"] }));
  const started = events(chunks, "events").filter((c) => c.data.event === "on_chain_start").map((c) => c.data.name);
  assert.deepEqual(started, ["classifier", "router", "legal_reviewer", "aggregator"]);
  assert.ok(events(chunks, "events").some((c) => c.data.event === "on_chain_end" && c.data.name === "aggregator"));
  const debugTypes = new Set(events(chunks, "debug").map((c) => c.data.type));
  assert.deepEqual([...debugTypes].sort(), ["checkpoint", "task", "task_result"]);
});

test("config.configurable carries Forge's run overrides", async () => {
  const values = await client.runs.wait(null, assistant.assistant_id,
    { input: contract, config: { configurable: { max_tokens: 64 }, tags: ["lg"] } });
  assert.ok(values.outputs.aggregator);
  await assert.rejects(client.runs.wait(null, assistant.assistant_id,
    { input: contract, config: { configurable: { temperature_of_the_sun: 1 } } }),
  (e) => e.status === 422 && /temperature_of_the_sun/.test(e.message));
});

test("unsupported stream mode and fields are refused with 422 naming them", async () => {
  const thread = await client.threads.create();
  await assert.rejects(collect(client.runs.stream(thread.thread_id, assistant.assistant_id,
    { input: contract, streamMode: "custom" })), (e) => e.status === 422 && /custom/.test(e.message));
  await assert.rejects(client.runs.create(thread.thread_id, assistant.assistant_id,
    { input: contract, afterSeconds: 5 }), (e) => e.status === 422 && /after_seconds/.test(e.message));
  await assert.rejects(client.runs.create(thread.thread_id, assistant.assistant_id,
    { input: contract, multitaskStrategy: "rollback" }), (e) => e.status === 422 && /rollback/.test(e.message));
});

let waitedThread;

test("wait: the final values; a stateless wait by graph name", async () => {
  const thread = await client.threads.create();
  waitedThread = thread.thread_id;
  const values = await client.runs.wait(thread.thread_id, assistant.assistant_id, { input: contract });
  assert.equal(values.outputs.classifier.category, "legal");
  assert.ok(values.outputs.aggregator);
  const stateless = await client.runs.wait(null, "document-review",
    { input: { text: "Quarterly revenue and EBITDA" } });
  assert.equal(stateless.outputs.classifier.category, "financial");
  // a thread made by its first run (if_not_exists), and refused without it
  const fresh = crypto.randomUUID();
  await assert.rejects(client.runs.wait(fresh, assistant.assistant_id, { input: contract }), (e) => e.status === 404);
  const made = await client.runs.wait(fresh, assistant.assistant_id, { input: contract, ifNotExists: "create" });
  assert.ok(made.outputs.aggregator);
  assert.equal((await client.threads.get(fresh)).thread_id, fresh);
  const runs = await client.runs.list(thread.thread_id);
  assert.equal(runs.length, 1);
  assert.equal(runs[0].status, "success");
  const run = await client.runs.get(thread.thread_id, runs[0].run_id);
  assert.equal(run.assistant_id, assistant.assistant_id);
  assert.equal((await client.threads.get(thread.thread_id)).status, "idle");
});

test("state and history: values, next, checkpoints newest first, state at an older checkpoint", async () => {
  const state = await client.threads.getState(waitedThread);
  assert.ok(state.values.outputs.aggregator);
  assert.deepEqual(state.next, []);
  assert.equal(state.checkpoint.thread_id, waitedThread);
  const history = await client.threads.getHistory(waitedThread, { limit: 50 });
  assert.ok(history.length >= 5, `history of ${history.length}`);
  assert.equal(history[0].checkpoint.checkpoint_id, state.checkpoint.checkpoint_id);
  const steps = history.map((h) => h.metadata.step);
  assert.deepEqual(steps, [...steps].sort((a, b) => b - a));
  const first = history.at(-1);
  assert.equal(first.metadata.step, 0);
  assert.deepEqual(first.next, ["classifier"]);
  const older = await client.threads.getState(waitedThread, first.checkpoint.checkpoint_id);
  assert.deepEqual(older.values.outputs, {});
  const page = await client.threads.getHistory(waitedThread, { limit: 2, before: history[1].checkpoint });
  assert.deepEqual(page.map((h) => h.metadata.step), [history[2].metadata.step, history[3].metadata.step]);
});

test("interrupt before an executor, then resume with a command", async () => {
  const thread = await client.threads.create();
  const chunks = await collect(client.runs.stream(thread.thread_id, assistant.assistant_id,
    { input: contract, interruptBefore: ["legal_reviewer"], streamMode: ["values", "updates"] }));
  const interrupt = events(chunks, "updates").at(-1).data.__interrupt__;
  assert.equal(interrupt.length, 1, JSON.stringify(chunks));
  assert.equal(interrupt[0].value.executor, "legal_reviewer");
  assert.ok(events(chunks, "values").at(-1).data.__interrupt__);
  const waiting = await client.threads.get(thread.thread_id);
  assert.equal(waiting.status, "interrupted");
  const state = await client.threads.getState(thread.thread_id);
  assert.deepEqual(state.next, ["legal_reviewer"]);
  assert.equal(state.tasks[0].interrupts.length, 1);
  assert.ok(!state.values.outputs.legal_reviewer);
  const interrupted = await client.threads.search({ status: "interrupted", metadata: {} });
  assert.ok(interrupted.some((t) => t.thread_id === thread.thread_id));

  const resumed = await collect(client.runs.stream(thread.thread_id, assistant.assistant_id,
    { command: { resume: "go ahead" }, streamMode: "updates" }));
  const nodes = events(resumed, "updates").map((c) => Object.keys(c.data)[0]);
  assert.deepEqual(nodes, ["legal_reviewer", "aggregator"]);
  assert.equal(resumed[0].data.run_id, chunks[0].data.run_id);
  const after = await client.threads.getState(thread.thread_id);
  assert.match(after.values.outputs.legal_reviewer, /Legal review/);
  assert.equal((await client.threads.get(thread.thread_id)).status, "idle");
  await assert.rejects(client.runs.wait(thread.thread_id, assistant.assistant_id, { command: { resume: "again" } }),
    (e) => e.status === 409);
});

test("interrupt after an executor, then continue with no input", async () => {
  const thread = await client.threads.create();
  const waiting = await client.runs.wait(thread.thread_id, assistant.assistant_id,
    { input: contract, interruptAfter: ["classifier"] });
  assert.equal(waiting.__interrupt__[0].value.kind, "after", JSON.stringify(waiting));
  assert.equal(waiting.outputs.classifier.category, "legal");
  assert.ok(!waiting.outputs.router);
  const values = await client.runs.wait(thread.thread_id, assistant.assistant_id, { input: null });
  assert.ok(values.outputs.aggregator, JSON.stringify(values));
  assert.ok(!values.__interrupt__);
});

test("update state while interrupted, then continue with no input", async () => {
  const thread = await client.threads.create();
  const waiting = await client.runs.wait(thread.thread_id, assistant.assistant_id,
    { input: contract, interruptBefore: ["router"] });
  assert.ok(waiting.__interrupt__, JSON.stringify(waiting));
  await assert.rejects(client.threads.updateState(thread.thread_id, { values: { outputs: { nobody: "x" } } }),
    (e) => e.status === 422 && /nobody/.test(e.message));
  // the classifier's verdict overruled: the router now sends the document to the financial reviewer
  const edited = await client.threads.updateState(thread.thread_id,
    { values: { outputs: { classifier: { category: "financial", confidence: 1 } } } });
  assert.equal(edited.checkpoint.thread_id, thread.thread_id);
  const values = await client.runs.wait(thread.thread_id, assistant.assistant_id, { input: null });
  assert.equal(values.outputs.classifier.category, "financial");
  assert.ok(values.outputs.financial_reviewer, JSON.stringify(values));
  assert.ok(!values.outputs.legal_reviewer);
  // a thread whose run is not waiting has no state to edit: its checkpoints are history
  await assert.rejects(client.threads.updateState(thread.thread_id, { values: { outputs: {} } }),
    (e) => e.status === 409 || e.status === 422);
});

test("cancel a running run", async () => {
  const thread = await client.threads.create();
  const run = await client.runs.create(thread.thread_id, "slow-pipeline", { input: { doc: "cancel me" } });
  assert.equal(run.status, "pending");
  // cancelled once it runs (its slow step takes 1.5 s): a poll of its status, not a fixed wait
  const deadline = Date.now() + 20_000;
  while ((await client.runs.get(thread.thread_id, run.run_id)).status !== "running") {
    assert.ok(Date.now() < deadline, "the run did not start within 20 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await client.runs.cancel(thread.thread_id, run.run_id, true);
  const cancelled = await client.runs.get(thread.thread_id, run.run_id);
  assert.equal(cancelled.status, "interrupted");
});

test("join a run's stream, reconnect after the last event id, and join the run", async () => {
  const thread = await client.threads.create();
  const run = await client.runs.create(thread.thread_id, "slow-pipeline", { input: { doc: "follow me" } });
  const firstPart = [];
  for await (const chunk of client.runs.joinStream(thread.thread_id, run.run_id, { streamMode: "updates" })) {
    firstPart.push(chunk);
    if (chunk.event === "updates") break; // the connection drops after the first update
  }
  const lastEventId = firstPart.at(-1).id;
  assert.ok(lastEventId, JSON.stringify(firstPart));
  const rest = await collect(client.runs.joinStream(thread.thread_id, run.run_id,
    { streamMode: "updates", lastEventId }));
  const nodes = [...firstPart, ...rest].filter((c) => c.event === "updates").map((c) => Object.keys(c.data)[0]);
  assert.deepEqual(nodes, ["fetch", "slow_step", "finish"]);
  const values = await client.runs.join(thread.thread_id, run.run_id);
  assert.ok(values.outputs.finish);
});

test("copy and delete a thread", async () => {
  const copy = await client.threads.copy(waitedThread);
  assert.notEqual(copy.thread_id, waitedThread);
  const original = await client.threads.getState(waitedThread);
  const copied = await client.runs.join(copy.thread_id, (await client.runs.list(copy.thread_id))[0].run_id);
  assert.deepEqual(copied.outputs, original.values.outputs);
  await client.threads.delete(copy.thread_id);
  await assert.rejects(client.threads.get(copy.thread_id), (e) => e.status === 404);
});

test("keys: none or a wrong one is 401, a viewer may read but not run (403)", async () => {
  const anonymous = new Client({ apiUrl, apiKey: null });
  await assert.rejects(anonymous.assistants.search(), (e) => e.status === 401);
  const wrong = new Client({ apiUrl, apiKey: "not-a-forge-key" });
  await assert.rejects(wrong.threads.create(), (e) => e.status === 401);
  const created = await fetch(`${restUrl}/v1/api-keys`, { method: "POST",
    headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "lg-viewer", role: "viewer" }) });
  assert.equal(created.status, 201);
  const viewer = new Client({ apiUrl, apiKey: (await created.json()).key });
  assert.ok((await viewer.assistants.search({ graphId: "document-review" })).length > 0);
  await assert.rejects(viewer.threads.create(), (e) => e.status === 403);
  // Bearer works as well as x-api-key
  const bearer = new Client({ apiUrl, apiKey: null, defaultHeaders: { authorization: `Bearer ${adminKey}` } });
  assert.ok((await bearer.assistants.search()).length > 0);
});

test("hostile input: malformed JSON, trailing data, NULs, wrong types are 4xx problems", async () => {
  const post = (path, body) => fetch(`${apiUrl}${path}`, { method: "POST",
    headers: { "x-api-key": adminKey, "content-type": "application/json" }, body });
  for (const body of ['{"metadata": {}} trailing', '{"metadata": ', '{"metadata": {"a": "\u0000"}}',
    '{"limit": "ten"}', '{"limit": -1}', '[1, 2]']) {
    const response = await post("/threads/search", body);
    assert.ok(response.status >= 400 && response.status < 500, `${body} → ${response.status}`);
    assert.match(response.headers.get("content-type"), /problem\+json/);
    assert.ok((await response.json()).detail);
  }
  const missing = await fetch(`${apiUrl}/threads/not-a-uuid`, { headers: { "x-api-key": adminKey } });
  assert.equal(missing.status, 422);
  const crons = await post("/runs/crons", "{}");
  assert.equal(crons.status, 404);
  assert.match((await crons.json()).detail, /schedules/);
});
