import type { HttpMethod, OpenApiDocument } from "../spec/openapi.js";

/** The generator's one intermediate representation: emitters and (later) the spec diff read only this. */
export interface DomainModel {
  /** `crm`, `equipmentSystems`, … (from the file name). */
  name: string;
  file: string;
  title: string;
  /** `info.version` of the spec. */
  specVersion: string;
  openapi: string;
  sha256: string;
  /** The overlays applied to the spec before the model was built (`specs/overlays/`), with their sha256. */
  overlays: { file: string; sha256: string }[];
  /** Path part of the spec's first server URL: `/crm/v2`, `/telecom`. The host comes from the runtime's environment. */
  modulePath: string;
  operations: OperationModel[];
  /** Component schema name → friendly exported type name. */
  schemaNames: Map<string, string>;
}

/** The model together with the parsed spec it came from, which the types emitter reads. */
export interface DomainWithSpec extends DomainModel {
  document: OpenApiDocument;
}

export type ResponseKind = "json" | "text" | "binary" | "none";
export type PaginationKind = "page" | "export";

export interface ParamModel {
  /** Name on the wire. */
  name: string;
  /** Key in the method's argument object. */
  arg: string;
  required: boolean;
  deprecated: boolean;
}

export interface SuccessResponse {
  status: string;
  kind: ResponseKind;
  /** The media type whose schema types the result (`application/json`); absent for `none` and redirects. */
  mediaType?: string;
  /** The component schema the media type's schema refers to (`Crm.V2.CustomerResponse`), when it is just a `$ref`. */
  schema?: string;
}

export interface OperationModel {
  operationId: string;
  group: string | null;
  /** Prefix of the operation's own type names: `CustomersGet` (`CustomersGetArgs`, `CustomersGetResult`). */
  typeName: string;
  /** The method's name in its group: `getList`. */
  methodName: string;
  method: HttpMethod;
  path: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  deprecatedMessage?: string;
  scopes: string[];
  pathParams: ParamModel[];
  queryParams: ParamModel[];
  body?: {
    required: boolean;
    mediaType: string;
    /** Top-level `format: binary` properties: when present the body is sent as multipart/form-data. */
    binaryFields: string[];
    /** The component schema of the body, when its schema is just a `$ref`. */
    schema?: string;
  };
  /** 2xx answers; a download that only declares a 302 gets one synthetic `binary` entry. */
  responses: SuccessResponse[];
  /** How the runtime reads a success body: the most informative kind among `responses`. */
  resultKind: ResponseKind;
  pagination: PaginationKind | null;
}

/** The path parameter the runtime fills in; callers never pass it. */
export const TENANT_PARAM = "tenant";
