import type { ServerResponse } from "node:http";
import { hash53 } from "./fake-data.js";
import type { FieldErrors } from "./schema-validator.js";

/** What a handler decided to send; `server.ts` writes it. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a Buffer or a string. */
  body?: unknown;
  contentType?: string;
}

const PROBLEM_TYPES: Record<number, string> = {
  400: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
  401: "https://tools.ietf.org/html/rfc7235#section-3.1",
  403: "https://tools.ietf.org/html/rfc7231#section-6.5.3",
  404: "https://tools.ietf.org/html/rfc7231#section-6.5.4",
  405: "https://tools.ietf.org/html/rfc7231#section-6.5.5",
  409: "https://tools.ietf.org/html/rfc7231#section-6.5.8",
  415: "https://tools.ietf.org/html/rfc7231#section-6.5.13",
  429: "https://tools.ietf.org/html/rfc6585#section-4",
};

let traceCounter = 0;

/** An error in ServiceTitan's `ApiErrorResponse` shape: `{ type, title, status, traceId, errors, data }`. */
export function problem(
  status: number,
  title: string,
  errors: FieldErrors = {},
  headers?: Record<string, string>,
): Answer {
  const traceId = `00-${hash53(`trace${++traceCounter}`).toString(16).padStart(14, "0")}${hash53(`span${traceCounter}`).toString(16).padStart(14, "0")}-00`;
  return {
    status,
    headers,
    body: { type: PROBLEM_TYPES[status] ?? "about:blank", title, status, traceId, errors, data: {} },
    contentType: "application/problem+json; charset=utf-8",
  };
}

export const VALIDATION_TITLE = "One or more validation errors occurred.";

/** The kind of page a load balancer shows when the service behind it is down. */
export function htmlErrorPage(status: number): Answer {
  const reason = status === 502 ? "Bad Gateway" : status === 504 ? "Gateway Timeout" : "Service Unavailable";
  return {
    status,
    body: `<!DOCTYPE html>\n<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1><p>The server is temporarily unable to service your request.</p></body></html>\n`,
    contentType: "text/html; charset=utf-8",
  };
}

/** Writes the answer; with `stallBodyMs`, the second half of the body only that much later. */
export function send(res: ServerResponse, answer: Answer, stallBodyMs = 0): void {
  const body =
    answer.body === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(answer.body)
        ? answer.body
        : Buffer.from(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
  const headers: Record<string, string | number> = { ...answer.headers, "Content-Length": body.length };
  if (answer.body !== undefined) headers["Content-Type"] = answer.contentType ?? "application/json; charset=utf-8";
  res.writeHead(answer.status, headers);
  if (stallBodyMs <= 0) return void res.end(body);
  const half = Math.floor(body.length / 2);
  res.write(body.subarray(0, half));
  setTimeout(() => res.end(body.subarray(half)), stallBodyMs);
}
