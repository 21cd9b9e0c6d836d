/**
 * Reads a body, counting decoded bytes (a small gzip body can expand a thousandfold). A body that
 * declares its length and is not encoded is read in one piece, which is every answer of a healthy
 * server; anything else is read chunk by chunk and cancelled as soon as it passes `maxBytes`: then
 * `BodyTooLarge` is thrown, or with `truncate` the first `maxBytes` are kept (for error bodies).
 */
export function readBody(
  response: Response,
  maxBytes: number,
  as: "text" | "bytes" | "blob",
  truncate = false,
): Promise<string | ArrayBuffer | Blob> {
  const { headers } = response;
  const declared = Number(headers.get("content-length") ?? NaN);
  if (declared <= maxBytes && !headers.has("content-encoding")) {
    return as === "text" ? response.text() : as === "blob" ? response.blob() : response.arrayBuffer();
  }
  return readCounting(response, maxBytes, as, truncate, declared);
}

async function readCounting(
  response: Response,
  maxBytes: number,
  as: "text" | "bytes" | "blob",
  truncate: boolean,
  declared: number,
) {
  if (declared > maxBytes && !truncate) {
    await response.body?.cancel();
    throw new BodyTooLarge(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        if (!truncate) throw new BodyTooLarge(maxBytes);
        chunks.push(value.subarray(0, value.byteLength - (total - maxBytes)));
        break;
      }
      chunks.push(value);
    }
  }
  const blob = new Blob(chunks as BlobPart[], { type: response.headers.get("content-type") ?? "" });
  return as === "blob" ? blob : as === "text" ? blob.text() : blob.arrayBuffer();
}

/** Thrown by `readBody`; the caller turns it into a ServiceTitanError that names the limit. */
/** Internal: the caller turns it into the call's error (`bodyTooLargeError` in errors.ts), which says what to do. */
export class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`body over ${maxBytes} bytes`);
  }
}
