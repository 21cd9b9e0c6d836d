import { pointerOf } from "./pointer.js";

export interface JsonSyntaxProblem {
  message: string;
  line: number;
  column: number;
  /** JSON pointer of the value being read when the text went wrong. */
  pointer: string;
}

/**
 * Finds where a JSON text that `JSON.parse` rejected goes wrong. V8's messages do not always give a
 * position and never a location in the document, so this small scanner walks the text once and
 * reports the line, column and JSON pointer of the first error. Only called after a failed parse.
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxProblem {
  let i = 0;
  const path: (string | number)[] = [];

  class Stop extends Error {}
  const fail = (message: string): never => {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    const column = i - before.lastIndexOf("\n");
    problem = { message, line, column, pointer: pointerOf(path) };
    throw new Stop();
  };
  let problem: JsonSyntaxProblem | undefined;

  const skipSpace = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const describe = () => (i >= text.length ? "end of input" : `'${text[i]}'`);
  const expect = (char: string) => {
    skipSpace();
    if (text[i] !== char) fail(`expected '${char}' but found ${describe()}`);
    i++;
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text.charCodeAt(i) < 0x20) fail("unescaped control character in string");
      i++;
    }
    if (i >= text.length) fail("unterminated string");
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      return fail("invalid escape in string");
    }
  };
  const readValue = (): void => {
    skipSpace();
    const c = text[i];
    if (c === "{") {
      i++;
      skipSpace();
      if (text[i] === "}") return void i++;
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a double-quoted property name but found ${describe()}`);
        path.push(readString());
        expect(":");
        readValue();
        path.pop();
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") return void i++;
        fail(`expected ',' or '}' but found ${describe()}`);
      }
    }
    if (c === "[") {
      i++;
      skipSpace();
      if (text[i] === "]") return void i++;
      for (let index = 0; ; index++) {
        path.push(index);
        readValue();
        path.pop();
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") return void i++;
        fail(`expected ',' or ']' but found ${describe()}`);
      }
    }
    if (c === '"') return void readString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail(`unexpected ${describe()}`);
    i += literal![0].length;
  };

  try {
    readValue();
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the document`);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  return problem ?? { message: "invalid JSON", line: 1, column: 1, pointer: "" };
}
