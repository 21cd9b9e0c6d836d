import { Document, isPair, isScalar, isSeq, Scalar, visit } from "yaml";
import type { DriftRecord } from "./read-events.js";
import type { DriftOverlayAction } from "./plan-overlay.js";
import { timeRange } from "./summarize.js";

/** In `info`: this file was written by stgen drift, which may rewrite it (it refuses to overwrite any other). */
export const DRIFT_OVERLAY_MARK = "x-written-by-stgen";

/** How wide the written YAML is (descriptions fold at this width). */
const LINE_WIDTH = 110;

/**
 * The overlay as YAML text, laid out like the hand-written ones in `specs/overlays/` (short lists and the
 * entries of `oneOf` lists on one line, descriptions folded). Same actions and events, same bytes.
 */
export function renderDriftOverlay(
  actions: readonly DriftOverlayAction[],
  files: { events: string; output: string },
  events: readonly DriftRecord[],
): string {
  const [first, last] = timeRange(events);
  const document = new Document({
    overlay: "1.0.0",
    info: {
      title: `Drift the client observed, written by stgen drift from ${files.events}`,
      version: last,
      [DRIFT_OVERLAY_MARK]: "drift",
      description:
        `Written by \`stgen drift ${files.events} --write-overlay ${files.output}\` from ${events.length} drift events ` +
        `(${first} to ${last}), ` +
        "against the specs with the other overlays of their folder applied. Each action widens one place where " +
        "ServiceTitan's answers differed from the spec, and says what was seen. The file is rewritten whole on each " +
        "run: keep appending to the events file, and make lasting fixes in an overlay of your own.",
    },
    actions: actions.map((action) => ({ ...action })),
  });
  visit(document, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
    Map(_, node, path) {
      // `{ $ref: … }` and `{ type: "null" }` in a list, not the actions themselves.
      const [owner, list] = path.slice(-2);
      const isAction = isPair(owner) && isScalar(owner.key) && owner.key.value === "actions";
      if (isSeq(list) && !isAction && node.items.every((pair) => isScalar(pair.value))) node.flow = true;
    },
    Pair(_, pair, path) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      // The descriptions of the overlay and its actions (not those inside an update): folded, as in specs/overlays/.
      if (pair.key.value === "description" && path.length <= 5) pair.value.type = Scalar.BLOCK_FOLDED;
      // A time read as a timestamp by YAML 1.1 readers: quoted, so every reader sees the string.
      if (pair.key.value === "version" && path.length === 4) pair.value.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return document.toString({ lineWidth: LINE_WIDTH, flowCollectionPadding: false });
}
