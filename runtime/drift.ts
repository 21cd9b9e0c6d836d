import type { ValidateResponses } from "./config.js";
import type { ServiceTitanCore } from "./core.js";
import { describeThrown, ResponseValidationError, type CallContext } from "./errors.js";
import { callHook, log, type DriftEvent } from "./hooks.js";
import { checkResponse, MAX_FINDINGS, type ValidationTable } from "./validation.js";

/** The operation a body answered, as drift events name it. */
export interface Answered {
  operationId: string;
  method: string;
  /** The path template. */
  path: string;
  status: number;
}

/** Places already logged, per core: (operationId, schema location, kind), all named by the spec, so bounded. */
const logged = new WeakMap<ServiceTitanCore, Set<string>>();

/**
 * `validateResponses` after a 2xx JSON body is parsed: each mismatch goes to `hooks.onDrift` and, once per
 * place, to the logger; then the body is returned ("report") or the call fails ("throw").
 */
export function reportDrift(
  core: ServiceTitanCore,
  table: ValidationTable,
  answered: Answered,
  body: unknown,
  mode: Exclude<ValidateResponses, "off">,
  context: CallContext,
): unknown {
  let findings;
  try {
    findings = checkResponse(table, answered.operationId, answered.status, body);
  } catch (error) {
    // The check failing is not the answer failing: "report" only observes.
    if (mode === "throw") throw error;
    log(
      core.config.logger,
      "warn",
      `ServiceTitan ${answered.operationId}: the response check failed: ${describeThrown(error)}`,
    );
    return body;
  }
  if (findings.length === 0) return body;
  const { hooks, logger } = core.config;
  const at = new Date().toISOString();
  const { operationId, method, path } = answered;
  const events: DriftEvent[] = findings.map((found) => ({ at, operationId, method, path, spec: table.spec, ...found }));
  let seen = logged.get(core);
  if (!seen) logged.set(core, (seen = new Set()));
  for (const event of events) {
    callHook(hooks.onDrift, event, logger);
    const place = `${operationId}\n${event.schemaPath}\n${event.kind}`;
    if (seen.has(place)) continue;
    seen.add(place);
    log(
      logger,
      "warn",
      `ServiceTitan ${operationId}: the response differs from ${table.spec} at ${event.schemaPath} (${event.pointer || "the body"}: expected ${event.expected}, got ${event.actual}); logged once per place, hooks.onDrift sees each`,
    );
  }
  if (findings.length >= MAX_FINDINGS)
    log(
      logger,
      "warn",
      `ServiceTitan ${operationId}: the response differs from ${table.spec} in more places than are reported (${MAX_FINDINGS} per response)`,
    );
  if (mode === "throw") throw responseValidationError(context, answered.status, events);
  return body;
}

/** The places a 2xx body differs from its schema (`validateResponses: "throw"`). */
function responseValidationError(
  context: CallContext,
  status: number,
  drift: readonly DriftEvent[],
): ResponseValidationError {
  const first = drift
    .slice(0, 3)
    .map((event) => `${event.pointer || "the body"}: expected ${event.expected}, got ${event.actual}`)
    .join("; ");
  const more = drift.length > 3 ? `; and ${drift.length - 3} more` : "";
  const title = `the response does not match the spec's schema in ${drift.length} place${drift.length === 1 ? "" : "s"} (${first}${more})`;
  return new ResponseValidationError({ ...context, status, title, drift });
}
