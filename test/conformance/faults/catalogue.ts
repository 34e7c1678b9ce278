import { evalstudioFaults } from "./evalstudioFaults.js";
import type { FaultCase } from "./faultTools.js";
import { heldOutFaults } from "./heldOutFaults.js";
import { generatedInputFaults } from "./generatedInputFaults.js";
import { mergeFaults } from "./mergeFaults.js";
import { vernFaults } from "./vernFaults.js";
import { wexaFaults } from "./wexaFaults.js";

export type { FaultCase } from "./faultTools.js";

/**
 * Deliberately broken servers (STYLE.md §10; Schemathesis's catalogue of broken apps): each is
 * the reference server behind test/conformance/faults/faultyServer.ts with one fault planted,
 * and names the check of the suite that must report it. test/conformance/mutation.test.ts runs
 * the suite against each and prints the mutation score. heldOutFaults.ts holds those written
 * after the suite, to test it on faults it was not built beside.
 */
export const FAULT_CATALOGUE: readonly FaultCase[] = [...evalstudioFaults, ...mergeFaults, ...wexaFaults, ...vernFaults, ...heldOutFaults, ...generatedInputFaults];
