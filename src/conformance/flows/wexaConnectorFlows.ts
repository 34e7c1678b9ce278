import type { Check } from "../check.js";
import type { Answer, CheckContext } from "../context.js";
import { asInferred, field, FlowFindings } from "./flowAssertions.js";
import {
  changeStatusBody, connectorView, CONTRACT, DEFAULT_CONFIG, listTriggers, readConnector, show, unknownObjectId, worldOf,
  type ConnectorStatus, type ConnectorView, type LoaderConfig,
} from "./wexaSupport.js";

/** Every status W4 takes, in an order that passes through each; the connector's own status is restored last. */
const STATUS_TOUR: readonly ConnectorStatus[] = ["inactive", "pending", "active"];

/**
 * W4 through every status, each read back with W2 (and W1, W5), then W4 back to the status and
 * configuration the run found. Catches: a W4 that answers success and stores nothing (or only some
 * fields), credentials read back in W1/W2, `auth_configured` not set, W5 offering an inactive or
 * pending connector's triggers (or not offering them again once active), transitions refused,
 * and a W4 on an unknown connector that answers 200 (an upsert) instead of 404.
 */
export const connectorStatusChange: Check = {
  name: "wexa_connector_status_change",
  description: "W4 moves a connector through every status: W2/W1 show status and configuration without credentials, W5 offers only active connectors' triggers; an unknown connector is a 404",
  source: `${CONTRACT} (W4 changeConnectorStatus, seed 000; W1, W2, W5 and its active-only rule)`,
  phase: "flow",
  skipReason: (ctx) => {
    if (ctx.options.readOnly) return "read-only run";
    const connector = worldOf(ctx).statusConnector;
    if (!connector) return worldOf(ctx).statusConnectorMissing;
    const refused = ctx.protectedReason(connector.id);
    return refused ? `W4 replaces a connector's data_loader_config and credentials, and Wexa cannot create a connector of the run's own: ${refused}` : undefined;
  },
  async run(ctx) {
    const f = new FlowFindings(ctx, this.name, this.source);
    const original = await readConnector(ctx, this.name, worldOf(ctx).statusConnector!.id);
    const before = connectorView(original.json);
    if (!f.status(original, 200, "W2 read the connector before changing it") || !before) return f.findings;
    const triggersBefore = await listTriggers(ctx, this.name, before.projectID);
    if (!f.status(triggersBefore, 200, "W5 list the project's trigger actions")) return f.findings;
    const offeredBefore = triggersOf(triggersBefore, before.id);
    if (before.status !== "active") expectNotOffered(f, triggersBefore, offeredBefore, before.status, "before the run changed it");

    // A batch size of its own shows that W4 stored the configuration, not only the status.
    const config: LoaderConfig = { source: before.config?.source ?? DEFAULT_CONFIG.source, batch_size: (before.config?.batch_size ?? 0) + 1 };
    const restore = restoreOnCleanup(ctx, before, config);
    for (const status of STATUS_TOUR) {
      restore.needed = true;
      const changed = await ctx.send({ sentBy: this.name, operationId: "changeConnectorStatus", body: changeStatusBody(ctx, before.id, status, config, `${this.name}: ${status}`) });
      if (!f.status(changed, 200, `W4 set the status to ${status}`)) return f.findings;
      restore.leaveCanaries();
      await expectConnector(ctx, f, this.name, before.id, status, config);
      if (status === "inactive") await expectListed(ctx, f, this.name, before, status, config);
      const triggers = await listTriggers(ctx, this.name, before.projectID);
      if (!f.status(triggers, 200, `W5 after W4 ${status}`)) continue;
      const offered = triggersOf(triggers, before.id);
      if (status !== "active") expectNotOffered(f, triggers, offered, status, "after W4");
      else if (before.status === "active") {
        asInferred(f, () => f.that(sameSet(offered, offeredBefore), "W5 offers the reactivated connector's triggers again", triggers, `triggers ${show(offeredBefore)} (as before the run)`, show(offered)));
      }
      const entries = entriesOf(triggers).filter((t) => t.connector_id === before.id);
      asInferred(f, () => f.that(entries.every((t) => t.connector_name === before.name && t.category === before.category), "W5 names the connector and its category", triggers, `connector_name "${before.name}", category "${before.category}"`, show(entries)));
    }

    const restored = await restore.send(this.name);
    if (f.status(restored, 200, `W4 restore the status ${before.status}`)) {
      restore.needed = false;
      await expectConnector(ctx, f, this.name, before.id, before.status, before.config ?? config);
    }
    const unknown = await ctx.send({ sentBy: this.name, operationId: "changeConnectorStatus", body: changeStatusBody(ctx, unknownObjectId(), "active", config, `${this.name}: unknown connector`) });
    f.status(unknown, 404, "W4 on an unknown connectorID");
    return f.findings;
  },
};

/**
 * Puts the connector back as the run found it (status and configuration) at the end of the run, if
 * the flow could not. Its credentials cannot be put back: W4 requires `auth` and no call returns
 * the old ones, so the report lists the connector as left holding the canaries.
 */
function restoreOnCleanup(ctx: CheckContext, before: ConnectorView, fallbackConfig: LoaderConfig) {
  const config = before.config ?? fallbackConfig;
  let left = false;
  const restore = {
    needed: false,
    send: (sentBy: string) => ctx.send({ sentBy, operationId: "changeConnectorStatus", body: changeStatusBody(ctx, before.id, before.status, config, "restore") }),
    leaveCanaries() {
      if (left) return;
      left = true;
      const configNote = before.config ? "" : `; its data_loader_config, null before the run, is now ${show(config)}`;
      ctx.cleanup.modify(`connector ${before.id} ("${before.name}", not created by the run; changed because of --destructive): data_loader_config.auth now holds the run's canary credentials (W4 requires auth and no call returns the old ones)${configNote}`);
    },
  };
  ctx.cleanup.push(`restore connector ${before.id} to ${before.status}`, async () => {
    if (restore.needed) await restore.send("cleanup");
  });
  return restore;
}

/** W2 shows what W4 set: the status [sdk: W2 returns the status], the configuration without `auth` and `auth_configured` [ours]. */
async function expectConnector(ctx: CheckContext, f: FlowFindings, sentBy: string, id: string, status: ConnectorStatus, config: LoaderConfig): Promise<void> {
  const read = await readConnector(ctx, sentBy, id);
  if (!f.status(read, 200, `W2 after W4 ${status}`)) return;
  f.that(field(read, "status") === status, `W2 shows the status W4 set (${status})`, read, `status "${status}"`, show(field(read, "status")));
  asInferred(f, () => {
    const shown = field<Record<string, unknown>>(read, "data_loader_config");
    f.that(showsConfig(shown, config), `W2 shows the configuration W4 set, without auth (${status})`, read, `data_loader_config ${show(config)} with no "auth"`, show(shown));
    f.that(field(read, "auth_configured") === true, `W2 says credentials are on file (${status})`, read, "auth_configured: true", show(field(read, "auth_configured")));
  });
}

/** W1 lists the connector as W2 shows it. */
async function expectListed(ctx: CheckContext, f: FlowFindings, sentBy: string, before: ConnectorView, status: ConnectorStatus, config: LoaderConfig): Promise<void> {
  const listed = await ctx.send({ sentBy, operationId: "listProjectConnectors", pathParams: { projectID: before.projectID } });
  if (!f.status(listed, 200, "W1 list the project's connectors")) return;
  const entry = (Array.isArray(listed.json) ? listed.json : []).find((c) => (c as { _id?: unknown })?._id === before.id) as Record<string, unknown> | undefined;
  if (!f.that(entry !== undefined, "W1 lists the connector", listed, `an entry with _id ${before.id}`, `_ids ${show((Array.isArray(listed.json) ? listed.json : []).map((c) => (c as { _id?: unknown })?._id))}`)) return;
  f.that(entry!.status === status, `W1 shows the status W4 set (${status})`, listed, `status "${status}"`, show(entry!.status));
  asInferred(f, () => f.that(showsConfig(entry!.data_loader_config as Record<string, unknown>, config), "W1 shows the configuration W4 set, without auth", listed, `data_loader_config ${show(config)} with no "auth"`, show(entry!.data_loader_config)));
}

/** "Available" read strictly (W5, inferred): a connector that is not active offers nothing. */
function expectNotOffered(f: FlowFindings, answer: Answer, offered: string[], status: ConnectorStatus, when: string): void {
  asInferred(f, () => f.that(offered.length === 0, `W5 offers none of the connector's triggers while it is ${status} (${when})`, answer, "no trigger action with this connector_id", `triggers ${show(offered)}`));
}

function showsConfig(shown: Record<string, unknown> | null | undefined, config: LoaderConfig): boolean {
  return Boolean(shown) && shown!.source === config.source && shown!.batch_size === config.batch_size && !("auth" in shown!);
}

type TriggerEntry = { connector_id?: unknown; connector_name?: unknown; category?: unknown; trigger?: unknown };

function entriesOf(answer: Answer): TriggerEntry[] {
  return Array.isArray(answer.json) ? answer.json.filter((t): t is TriggerEntry => Boolean(t) && typeof t === "object") : [];
}

/** The machine names of the triggers one connector offers, sorted. */
function triggersOf(answer: Answer, connectorId: string): string[] {
  return entriesOf(answer).filter((t) => t.connector_id === connectorId).map((t) => String(t.trigger)).sort();
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
