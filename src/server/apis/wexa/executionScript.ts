/**
 * What the simulated agents do with an execution: derived only from its goal and input variables,
 * so the same execution always uses the same tokens and ends the same way (no randomness).
 */
export type ExecutionScript = {
  /** Agent steps a successful run takes; each lasts one simulation step (config.simulationStepMs). */
  steps: number;
  tokensPerStep: number;
  /** The step at whose end the run fails, or null when it completes. */
  failsAtStep: number | null;
  conclusion: string;
  errorMessages: string[];
  debugInfo: Record<string, unknown>;
};

export const AGENT_STEPS = 3;
const FAILING_STEP = 2;

/**
 * `input_variables.simulate_failure: true` makes the run fail at step 2, so a front end can show
 * a failed execution on purpose; every other execution completes.
 */
export function executionScript(goal: string, inputVariables: Record<string, unknown>): ExecutionScript {
  const tokensPerStep = 120 + 4 * goal.length + JSON.stringify(inputVariables).length;
  const fails = inputVariables.simulate_failure === true;
  return {
    steps: AGENT_STEPS,
    tokensPerStep,
    failsAtStep: fails ? FAILING_STEP : null,
    conclusion: `Goal reached in ${AGENT_STEPS} agent steps using ${AGENT_STEPS * tokensPerStep} tokens: ${goal}`,
    errorMessages: [`Agent step ${FAILING_STEP} of ${AGENT_STEPS} failed: a connector answered HTTP 502 (input_variables.simulate_failure)`],
    debugInfo: { http_status: 502, step: FAILING_STEP, simulated: true },
  };
}
