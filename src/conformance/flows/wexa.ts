import type { CheckContext } from "../context.js";
import type { ApiProfile, DisposableResource, Probe } from "../profile.js";
import { connectorStatusChange } from "./wexaConnectorFlows.js";
import { executionLifecycle, pauseResumeCancel } from "./wexaExecutionFlows.js";
import {
  changeStatusBody, controlProbe, createExecution, createExecutionBody, DEFAULT_CONFIG, discoverWorld, unknownObjectId, worldOf,
  type WexaWorld,
} from "./wexaSupport.js";

/**
 * Wexa AI: a project's connectors and the executions of its agentflows. The contract has no call
 * that creates a project, connector or agentflow, so the run finds them (wexaSupport.ts,
 * discoverWorld) and creates only executions, which have no delete: they are left behind, named
 * by their goal, and cancelled at the end if still active. The one secret field is W4's
 * `data_loader_config.auth`: every W4 the run sends carries canaries as username and password.
 */
export const wexaProfile: ApiProfile = {
  api: "wexa",

  async prepare(ctx) {
    const world = await discoverWorld(ctx);
    const probes = readProbes(ctx, world);
    if (ctx.options.readOnly) return probes;

    if (world.agentflow) {
      const { projectID } = world.agentflow;
      probes.createExecution = { operationId: "createExecution", query: { projectID }, body: createExecutionBody(ctx, world.agentflow, "negative-probe") };
      // One execution of their own for the probes of W8–W11 (cancel included): no other check needs it in any state.
      const { execution } = await createExecution(ctx, "prepare", world.agentflow, "probes");
      if (execution) {
        probes.getExecution = { operationId: "getExecution", pathParams: { execution_id: execution.id } };
        for (const operationId of ["executeAgentflow", "pauseExecution", "resumeExecution", "cancelExecution"] as const) probes[operationId] = controlProbe(operationId, execution);
      }
    }
    const target = world.statusConnector;
    // Only with --destructive: a W4 the server wrongly executes replaces the connector's credentials for good.
    if (target && !ctx.protectedReason(target.id)) {
      // What the connector already has: a faulty server that executes a probe changes nothing but its credentials.
      probes.changeConnectorStatus = { operationId: "changeConnectorStatus", body: changeStatusBody(ctx, target.id, target.status, target.config ?? DEFAULT_CONFIG, "probe") };
    }
    // W3 deletes what the run did not create: only a connector given up by --destructive, else a well-formed id that names none.
    const doomed = world.disposableConnector;
    const projectID = doomed?.projectID ?? world.projectID;
    if (projectID) probes.deleteConnector = { operationId: "deleteConnector", pathParams: { connector_id: doomed?.id ?? unknownObjectId() }, query: { projectID } };
    return probes;
  },

  flows: [connectorStatusChange, executionLifecycle, pauseResumeCancel],

  /** Only with --destructive: a connector of the deployment (the fixture wexa.disposableConnectorID, else the project's last one that no flow uses). */
  async disposable(ctx): Promise<DisposableResource[]> {
    const connector = worldOf(ctx).disposableConnector;
    if (!ctx.options.destructive || !connector) return [];
    ctx.progress(`deleting connector ${connector.id} ("${connector.name}") of project ${connector.projectID}: --destructive`);
    ctx.cleanup.modify(`connector ${connector.id} ("${connector.name}", not created by the run) deleted by use_after_free because of --destructive`);
    return [{
      label: "a Wexa connector",
      read: { operationId: "getConnector", pathParams: { connector_id: connector.id } },
      remove: { operationId: "deleteConnector", pathParams: { connector_id: connector.id }, query: { projectID: connector.projectID } },
      listedIn: { list: { operationId: "listProjectConnectors", pathParams: { projectID: connector.projectID } }, id: connector.id },
    }];
  },
};

/**
 * The reads, aimed at what the run found. Everything found belongs to the primary key's account,
 * so the cross-key check may look for it with the secondary key without writing anything.
 */
function readProbes(ctx: CheckContext, world: WexaWorld): Record<string, Probe> {
  const probes: Record<string, Probe> = {};
  const own = (label: string, read: Probe) => ctx.owned.push({ label, read });
  const projectID = world.projectID ?? world.agentflow?.projectID;
  if (projectID) {
    probes.listProjectConnectors = { operationId: "listProjectConnectors", pathParams: { projectID } };
    probes.listTriggerActions = { operationId: "listTriggerActions", pathParams: { projectID }, query: { projectID } };
    probes.listExecutions = { operationId: "listExecutions", pathParams: { projectID }, query: { projectID } };
    own("a Wexa project's connectors", probes.listProjectConnectors);
    own("a Wexa project's trigger actions", probes.listTriggerActions);
    own("a Wexa project's executions", probes.listExecutions);
  }
  if (world.readConnector) {
    probes.getConnector = { operationId: "getConnector", pathParams: { connector_id: world.readConnector.id } };
    own("a Wexa connector", probes.getConnector);
  }
  if (world.agentflow) {
    probes.getAgentflowMonitor = { operationId: "getAgentflowMonitor", pathParams: { agentflow_id: world.agentflow.id } };
    own("a Wexa agentflow's monitor", probes.getAgentflowMonitor);
  }
  if (world.listedExecutionID) {
    probes.getExecution = { operationId: "getExecution", pathParams: { execution_id: world.listedExecutionID } };
    if (ctx.options.readOnly) own("a listed Wexa execution", probes.getExecution);
  }
  return probes;
}
