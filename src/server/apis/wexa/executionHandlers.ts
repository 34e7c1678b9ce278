import type { operations } from "../../../generated/wexa.js";
import type { HandlersOf } from "../../http/apiModule.js";
import { ok } from "../../http/responses.js";
import type { ApiDeps } from "../apiDeps.js";
import { requireSame } from "./errors.js";
import { advanceExecutions, readFresh } from "./executionClock.js";
import { applyControl, catchUp, type ControlAction } from "./executionLifecycle.js";
import type { ExecutionStore } from "./executionStore.js";
import { presentExecution, presentExecutionDetails, presentMonitor } from "./presenters.js";
import { agentflowNotFound, type WexaStore } from "./store.js";

type ExecutionOperations =
  | "createExecution"
  | "listExecutions"
  | "executeAgentflow"
  | "pauseExecution"
  | "resumeExecution"
  | "cancelExecution"
  | "getExecution"
  | "getAgentflowMonitor";

type ControlBody = { projectID: string; execution_id: string };

/** W6–W13: executions of an agentflow, a state machine that the simulation clock moves on. */
export function executionHandlers({ database, config, clock }: ApiDeps, store: WexaStore, executions: ExecutionStore): Pick<HandlersOf<operations>, ExecutionOperations> {
  /** W8–W11: the body repeats the path's execution (and the query's project, where there is one). */
  async function control(action: ControlAction, accountId: string, executionId: string, body: ControlBody, queryProjectId?: string) {
    requireSame("body/execution_id", body.execution_id, executionId, "path.execution_id");
    if (queryProjectId !== undefined) requireSame("body/projectID", body.projectID, queryProjectId, "query.projectID");
    const status = await database.transaction(async (tx) => {
      // The row lock makes concurrent transitions take turns: exactly one of them wins, the rest see its result (409).
      const row = await executions.get(tx, accountId, executionId, { projectId: body.projectID, lock: true });
      const now = clock.now();
      const next = applyControl({ ...row, ...catchUp(row, now) }, action, now, config.simulationStepMs);
      await executions.save(tx, executionId, next);
      return next.status;
    });
    return ok({ execution_id: executionId, status });
  }

  return {
    createExecution: async ({ account, query, body }) => {
      if (query.projectID !== undefined) requireSame("query/projectID", query.projectID, body.projectID, "body.projectID");
      const row = await database.transaction(async (tx) => {
        await store.requireProject(tx, account.accountId, body.projectID);
        // An agentflow of another project is as unknown here as one of another account.
        if ((await store.agentflowProject(tx, account.accountId, body.agentflow_id)) !== body.projectID) throw agentflowNotFound(body.agentflow_id);
        return executions.create(tx, clock.now(), {
          accountId: account.accountId,
          projectId: body.projectID,
          agentflowId: body.agentflow_id,
          executedBy: body.executed_by,
          goal: body.goal,
          inputVariables: body.input_variables,
        });
      });
      return ok(presentExecution(row));
    },

    listExecutions: async ({ account, params, query }) => {
      requireSame("query/projectID", query.projectID, params.projectID, "path.projectID");
      await store.requireProject(database, account.accountId, params.projectID);
      await advanceExecutions(database, executions, clock.now(), account.accountId);
      const page = query.page ?? 1;
      const limit = query.limit ?? 20;
      const total = await executions.countInProject(database, account.accountId, params.projectID);
      const offset = (page - 1) * limit;
      // A page past the end is empty (the contract), and is never sent to SQL as a huge offset.
      const rows = offset < total ? await executions.listInProject(database, account.accountId, params.projectID, offset, limit) : [];
      return ok({ executions: rows.map(presentExecution), total, page, limit });
    },

    // The query's optional `execution_id` is informational and NOT compared with the path's: the
    // docs' own example (seed 001) sends a different one. Body and path must still agree.
    executeAgentflow: async ({ account, params, query, body }) => control("execute", account.accountId, params.execution_id, body, query.projectID),

    pauseExecution: async ({ account, params, query, body }) => control("pause", account.accountId, params.execution_id, body, query.projectID),

    resumeExecution: async ({ account, params, body }) => control("resume", account.accountId, params.execution_id, body),

    cancelExecution: async ({ account, params, body }) => control("cancel", account.accountId, params.execution_id, body),

    getExecution: async ({ account, params }) => {
      const now = clock.now();
      return ok(presentExecutionDetails(await readFresh(database, executions, account.accountId, params.execution_id, now), now));
    },

    getAgentflowMonitor: async ({ account, params }) => {
      const projectId = await store.agentflowProject(database, account.accountId, params.agentflow_id);
      const now = clock.now();
      await advanceExecutions(database, executions, now, account.accountId);
      const totals = await executions.totalsOfAgentflow(database, account.accountId, params.agentflow_id);
      const active = await executions.listActiveOfAgentflow(database, account.accountId, params.agentflow_id);
      return ok(presentMonitor({ id: params.agentflow_id, projectId }, totals, active, now));
    },
  };
}
