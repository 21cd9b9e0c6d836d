import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  badBearerTokenError,
  bodyTooLargeError,
  networkError,
  NetworkError,
  noProgressError,
  notAListPageError,
  noTokenError,
  ServerError,
  ServiceTitanError,
  timeoutError,
  TimeoutError,
  tokenAnswerError,
  tokenNetworkError,
  tokenRedirectError,
  tokenTimeoutError,
  unreadableJsonError,
} from "../../runtime/errors.js";

// Users match on these titles and classes: each is pinned word for word.
const call = {
  operationId: "customers_Get",
  method: "GET",
  url: "https://api.example/crm/v2/tenant/1/customers/2",
  attempts: 2,
};
const endpoint = {
  url: "https://auth.example/connect/token",
  clientId: "cid.abc",
  redact: (text: string) => text.replaceAll("s3cret", "[redacted]"),
};
const refused = Object.assign(new Error("fetch failed"), { cause: { code: "ECONNREFUSED" } });

describe("the error makers", () => {
  it("name a failed call's body, timeout and connection as before", () => {
    const tooLarge = bodyTooLargeError(call, 200, 1024);
    expect([tooLarge.constructor, tooLarge.status, tooLarge.attempts]).toEqual([ServiceTitanError, 200, 2]);
    expect(tooLarge.title).toBe(
      "the response body is larger than maxResponseBytes (1024 bytes); raise maxResponseBytes or ask for smaller pages",
    );
    const timedOut = timeoutError(call, "reading the response", 5000);
    expect([timedOut.constructor, timedOut.status, timedOut.title]).toEqual([
      TimeoutError,
      0,
      "reading the response timed out after 5000 ms",
    ]);
    expect(networkError({ ...call, cause: refused }, "request").title).toBe("network error: ECONNREFUSED");
    const broken = networkError({ ...call, cause: new Error("terminated") }, "reading the response");
    expect([broken.constructor, broken.title, broken.cause]).toEqual([
      NetworkError,
      "network error while reading the response: terminated",
      new Error("terminated"),
    ]);
  });

  it("name a 2xx body that is not the promised JSON by its length only", () => {
    expect(unreadableJsonError(call, 200, "<html>").title).toBe("the response body is not valid JSON (6 characters)");
    expect(unreadableJsonError(call, 200, " \n").title).toBe(
      "the response body is empty, where the spec promises JSON",
    );
  });

  it("name token failures as before, scrubbed, and keep their class when a call wraps them", () => {
    expect(tokenTimeoutError(endpoint, 3000, new Error("x"))).toMatchObject({
      title: "token request timed out after 3000 ms",
      status: 0,
      method: "POST",
      url: endpoint.url,
    });
    expect(tokenTimeoutError(endpoint, 3000, undefined)).toBeInstanceOf(TimeoutError);
    expect(tokenNetworkError(endpoint, refused).title).toBe("token request failed: ECONNREFUSED");
    expect(tokenRedirectError(endpoint, 302, "https://evil.example/x?s=1").title).toBe(
      "the token endpoint answered a redirect to https://evil.example; not followed, so the client secret is sent nowhere else",
    );
    expect(tokenRedirectError(endpoint, 302, "http://[bad").title).toContain("redirect to an invalid URL;");
    expect(tokenRedirectError(endpoint, 302, null).title).toMatch(
      /^the token endpoint answered a redirect; not followed/,
    );
    const denied = tokenAnswerError(endpoint, 400, {
      error: "invalid_client",
      error_description: "bad s3cret",
      traceId: "t-1",
    });
    expect([denied.constructor, denied.title, denied.traceId]).toEqual([
      AuthenticationError,
      "token request for client 'cid.abc' failed (invalid_client: bad [redacted])",
      "t-1",
    ]);
    const down = tokenAnswerError(endpoint, 503, undefined);
    expect([down.constructor, down.title]).toEqual([
      ServerError,
      "token request for client 'cid.abc' failed (HTTP 503)",
    ]);
    const badToken = badBearerTokenError(endpoint, 200);
    expect([badToken.constructor, badToken.title]).toEqual([
      AuthenticationError,
      "the token endpoint answered an access_token that is not a valid bearer token",
    ]);

    const wrapped = noTokenError(call, denied);
    expect([
      wrapped.constructor,
      wrapped.status,
      wrapped.title,
      wrapped.method,
      wrapped.url,
      wrapped.operationId,
      wrapped.attempts,
    ]).toEqual([AuthenticationError, 400, denied.title, "POST", endpoint.url, "customers_Get", 2]);
    expect(noTokenError(call, tokenTimeoutError(endpoint, 3000, undefined))).toBeInstanceOf(TimeoutError);
    expect(noTokenError(call, tokenNetworkError(endpoint, refused))).toBeInstanceOf(NetworkError);
  });

  it("name paging failures as before", () => {
    expect(notAListPageError("jobs_GetList", { page: 3 }).title).toBe(
      "page 3 is not a list page ({ hasMore, data: [...] }), so iteration stops",
    );
    expect(notAListPageError("export_Jobs", { from: undefined }).title).toBe(
      "the export page from the start is not a list page ({ hasMore, data: [...] }), so iteration stops",
    );
    expect(notAListPageError("export_Jobs", { from: "tok" }).title).toMatch(
      /^the export page from a continueFrom token is not/,
    );
    const stalls = [{ repeatedPage: 4 }, "empty page", "same continueFrom", "empty export page"] as const;
    expect(stalls.map((stall) => noProgressError("op", stall, 3).title)).toEqual(
      [
        "page 4 repeated the rows of an earlier page",
        "a page came back empty with hasMore: true",
        "the export answered hasMore: true without a new continueFrom",
        "the export answered hasMore: true with no rows",
      ].map((what) => `paging made no progress: ${what} 3 times in a row; stopping rather than asking forever`),
    );
    const stalled = noProgressError("op", "empty page", 3);
    expect([stalled.constructor, stalled.status, stalled.operationId]).toEqual([ServiceTitanError, 200, "op"]);
  });
});
