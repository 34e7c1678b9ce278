/** A connector event that can start an agentflow (W5), as each category of connector offers it. */
export type TriggerDefinition = { trigger: string; name: string; description: string | null };

/**
 * The triggers per connector category (the SDK's example categories). The vendor publishes no
 * list: these are this project's, chosen to read like the contract's W5 example (mail, verbatim).
 */
const TRIGGERS_BY_CATEGORY: Readonly<Record<string, readonly TriggerDefinition[]>> = {
  mail: [
    { trigger: "new_email", name: "New email received", description: "Starts an agentflow when a new email arrives in the mailbox." },
    { trigger: "new_attachment", name: "New attachment received", description: null },
  ],
  linkedin: [
    { trigger: "new_message", name: "New LinkedIn message", description: "Starts an agentflow when a LinkedIn message arrives." },
    { trigger: "new_connection_request", name: "New connection request", description: null },
  ],
  whatsapp: [
    { trigger: "new_message", name: "New WhatsApp message", description: "Starts an agentflow when a WhatsApp message arrives." },
  ],
  restful: [
    { trigger: "webhook_received", name: "Webhook received", description: "Starts an agentflow when the connector's endpoint is called." },
  ],
  content_creator: [
    { trigger: "content_published", name: "Content published", description: "Starts an agentflow when a piece of content goes live." },
  ],
};

/** Any other category still loads data, so it offers the one trigger every connector has. */
const GENERIC_TRIGGERS: readonly TriggerDefinition[] = [
  { trigger: "data_loaded", name: "Data loaded", description: "Starts an agentflow when the connector finishes loading a batch." },
];

export function triggersOf(category: string): readonly TriggerDefinition[] {
  return Object.hasOwn(TRIGGERS_BY_CATEGORY, category) ? TRIGGERS_BY_CATEGORY[category]! : GENERIC_TRIGGERS;
}
