// src/server/gateway.ts
import { timingSafeEqual } from "node:crypto";

// src/core/errors.ts
import { randomUUID } from "node:crypto";
function newRequestId() {
  return randomUUID();
}
var SERVICE_ERROR = /* @__PURE__ */ Symbol.for("aliyun-kms-cli.ServiceError");
var CLI_ERROR = /* @__PURE__ */ Symbol.for("aliyun-kms-cli.CliError");
var branded = (brand) => (v) => typeof v === "object" && v !== null && v[brand] === true;
var isServiceError = branded(SERVICE_ERROR);
var isCliError = branded(CLI_ERROR);
var ServiceError = class extends Error {
  constructor(httpStatus, code, message) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
  }
  httpStatus;
  code;
  static [Symbol.hasInstance](v) {
    return isServiceError(v);
  }
  [SERVICE_ERROR] = true;
  requestId = "";
  hostId = "";
  /** Response headers as received (remote) or as our server would send them (local). */
  headers = [];
  /** The raw response body when it came over the wire (remote backend). */
  rawBody;
  recommend;
  /** The object-valued `AccessDeniedDetail` of a RAM refusal, when the body has one. */
  accessDeniedDetail;
  /** Fills in request id, host and the troubleshooting link the gateway adds. */
  stamp(region, requestId = newRequestId()) {
    this.requestId = requestId;
    this.hostId = `kms.${region}.aliyuncs.com`;
    this.recommend ??= `https://api.aliyun.com/troubleshoot?q=${this.code}&product=Kms&requestId=${requestId}`;
    if (this.headers.length === 0)
      this.headers = [
        ["Content-Type", "application/json;charset=utf-8"],
        ["X-Acs-Request-Id", requestId]
      ];
    return this;
  }
  body() {
    return { RequestId: this.requestId, HostId: this.hostId, Code: this.code, Message: this.message, Recommend: this.recommend ?? "" };
  }
};
var CliError = class extends Error {
  constructor(message, exitCode = 1, tip, suggestions) {
    super(message);
    this.exitCode = exitCode;
    this.tip = tip;
    this.suggestions = suggestions;
  }
  exitCode;
  tip;
  suggestions;
  static [Symbol.hasInstance](v) {
    return isCliError(v);
  }
  [CLI_ERROR] = true;
};

// src/core/signature.ts
import { createHmac } from "node:crypto";
var UNRESERVED = /^[A-Za-z0-9_.~-]*$/;
function popEncode(s) {
  if (UNRESERVED.test(s)) return s;
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}
function canonicalQuery(params) {
  return Object.keys(params).filter((k) => k !== "Signature").sort((a, b) => a < b ? -1 : a > b ? 1 : 0).map((k) => popEncode(k) + "=" + popEncode(params[k])).join("&");
}
function stringToSignV1(method, params) {
  return method.toUpperCase() + "&" + popEncode("/") + "&" + popEncode(canonicalQuery(params));
}
function hmacSha1Base64(secret, message) {
  return createHmac("sha1", secret + "&").update(message, "utf8").digest("base64");
}
function signV1(method, params, accessKeySecret) {
  return hmacSha1Base64(accessKeySecret, stringToSignV1(method, params));
}

// src/core/signature-v3.ts
import { createHash, createHmac as createHmac2 } from "node:crypto";
var ACS3_ALGORITHM = "ACS3-HMAC-SHA256";
var sha256Hex = (data) => createHash("sha256").update(data).digest("hex");
function canonicalQueryV3(query) {
  return Object.keys(query).sort((a, b) => a < b ? -1 : a > b ? 1 : 0).map((k) => popEncode(k) + "=" + popEncode(query[k])).join("&");
}
function canonicalRequestV3(method, path, query, headers, signedHeaders, payloadHash) {
  const names = [...signedHeaders].map((h) => h.toLowerCase()).sort();
  const lines = names.map((h) => `${h}:${(headers[h] ?? "").trim()}
`).join("");
  return [method.toUpperCase(), path, canonicalQueryV3(query), lines, names.join(";"), payloadHash].join("\n");
}
function stringToSignV3(canonicalRequest) {
  return ACS3_ALGORITHM + "\n" + sha256Hex(canonicalRequest);
}
function signV3(stringToSign, accessKeySecret) {
  return createHmac2("sha256", accessKeySecret).update(stringToSign, "utf8").digest("hex");
}
function parseAuthorizationV3(header) {
  const m = /^(ACS3-[A-Z0-9-]+) Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-fA-F]+)$/.exec(header.trim());
  if (!m) return void 0;
  return { algorithm: m[1], accessKeyId: m[2], signedHeaders: m[3].split(";").filter(Boolean), signature: m[4].toLowerCase() };
}

// src/server/gateway.ts
var API_VERSION = "2016-01-20";
var SKEW_MS = 15 * 6e4;
var REGION_ID = /^[a-z]{2,}(-[a-z0-9]+)+$/;
var V1_COMMON = /* @__PURE__ */ new Set(["Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp", "SecurityToken", "Signature"]);
var GatewayErrors = {
  unsupportedMethod: () => new ServiceError(403, "UnsupportedHTTPMethod", "This http method is not supported."),
  missing: (name) => new ServiceError(400, `Missing${name}`, `${name} is mandatory for this action.`),
  missingTimestamp: () => new ServiceError(400, "IllegalTimestamp", 'The input parameter "Timestamp" that is mandatory for processing this request is not supplied.'),
  incompleteSignature: () => new ServiceError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."),
  signatureMismatch: (stringToSign) => new ServiceError(400, "SignatureDoesNotMatch", `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`),
  unknownKey: () => new ServiceError(404, "InvalidAccessKeyId.NotFound", "The Access Key ID provided does not exist in our records."),
  expired: () => new ServiceError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."),
  badTimestamp: () => new ServiceError(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."),
  nonceUsed: () => new ServiceError(400, "SignatureNonceUsed", "Specified signature nonce was used already."),
  badVersion: () => new ServiceError(400, "InvalidVersion", "Specified parameter Version is not valid."),
  tokenMismatch: () => new ServiceError(400, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey."),
  tokenMissing: () => new ServiceError(400, "MissingSecurityToken", "SecurityToken is mandatory for this action."),
  // Ours: a region id names a folder of the store, so only region-shaped ids are accepted.
  badRegion: () => new ServiceError(400, "InvalidRegionId", "The specified RegionId does not exist."),
  // Our choice (the emulator speaks JSON only); the code is the service's for a refused value.
  xmlRefused: () => new ServiceError(400, "InvalidParameter", 'The specified parameter "Format" is not valid: this emulator answers JSON only.')
};
function decodeForm(raw, into = {}) {
  if (!raw) return into;
  const pairs = [];
  try {
    for (const part of raw.split("&")) {
      if (!part) continue;
      const eq = part.indexOf("=");
      pairs.push(eq < 0 ? [formComponent(part), ""] : [formComponent(part.slice(0, eq)), formComponent(part.slice(eq + 1))]);
    }
  } catch {
    for (const [k, v] of new URLSearchParams(raw)) into[k] = v;
    return into;
  }
  for (const [k, v] of pairs) into[k] = v;
  return into;
}
var NEEDS_DECODING = /[%+]/;
function formComponent(s) {
  return NEEDS_DECODING.test(s) ? decodeURIComponent(s.replace(/\+/g, " ")) : s;
}
var NonceCache = class {
  constructor(windowMs = 2 * SKEW_MS, maxEntries = 5e5) {
    this.windowMs = windowMs;
    this.maxEntries = maxEntries;
  }
  windowMs;
  maxEntries;
  seen = /* @__PURE__ */ new Map();
  /** Records the nonce; false if it was already seen within the window. */
  add(key, now = Date.now()) {
    this.sweep(now);
    if (this.seen.has(key)) return false;
    this.seen.set(key, now + this.windowMs);
    return true;
  }
  sweep(now) {
    for (const [k, exp] of this.seen) {
      if (exp > now && this.seen.size < this.maxEntries) break;
      this.seen.delete(k);
    }
  }
  get size() {
    return this.seen.size;
  }
};
var Gateway = class {
  constructor(opts) {
    this.opts = opts;
    for (const c of opts.credentials) this.keys.set(c.accessKeyId, c);
    this.checkNonce = opts.checkNonce ?? true;
  }
  opts;
  keys = /* @__PURE__ */ new Map();
  nonces = new NonceCache();
  checkNonce;
  authenticate(req) {
    const method = req.method.toUpperCase();
    if (method !== "GET" && method !== "POST") throw GatewayErrors.unsupportedMethod();
    const params = decodeForm(req.rawQuery);
    const isForm = method === "POST" && /^application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "");
    const auth = req.headers["authorization"];
    if (auth !== void 0 && auth.startsWith("ACS3-")) return this.verifyV3(req, method, auth, params, isForm);
    if (isForm) decodeForm(req.body.toString("utf8"), params);
    return this.verifyV1(req, method, params);
  }
  verifyV1(req, method, params) {
    for (const name of ["Action", "Version", "AccessKeyId", "SignatureMethod", "SignatureVersion"]) if (params[name] === void 0) throw GatewayErrors.missing(name);
    if (params.Timestamp === void 0) throw GatewayErrors.missingTimestamp();
    if (params.Signature === void 0) throw GatewayErrors.missing("Signature");
    if (params.Version !== API_VERSION) throw GatewayErrors.badVersion();
    if (params.SignatureMethod !== "HMAC-SHA1" || params.SignatureVersion !== "1.0") throw GatewayErrors.incompleteSignature();
    const cred = this.credential(params.AccessKeyId);
    this.checkTime(params.Timestamp);
    const toSign = stringToSignV1(method, params);
    if (!sameText(hmacSha1Base64(cred.accessKeySecret, toSign), params.Signature)) throw GatewayErrors.signatureMismatch(toSign);
    this.checkToken(cred, params.SecurityToken);
    this.checkNonceOnce(cred.accessKeyId, params.SignatureNonce);
    if (params.Format !== void 0 && params.Format !== "" && params.Format.toUpperCase() !== "JSON") throw GatewayErrors.xmlRefused();
    const apiParams = {};
    for (const [k, v] of Object.entries(params)) if (!V1_COMMON.has(k)) apiParams[k] = v;
    return { action: params.Action, params: apiParams, region: this.regionOf(params, req), accessKeyId: cred.accessKeyId, scheme: "v1" };
  }
  verifyV3(req, method, header, query, isForm) {
    const auth = parseAuthorizationV3(header);
    if (!auth || auth.algorithm !== ACS3_ALGORITHM) throw GatewayErrors.incompleteSignature();
    const signed = new Set(auth.signedHeaders.map((h2) => h2.toLowerCase()));
    for (const h2 of ["host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"])
      if (!signed.has(h2) || req.headers[h2] === void 0) throw GatewayErrors.incompleteSignature();
    const h = req.headers;
    if (h["x-acs-version"] !== API_VERSION) throw GatewayErrors.badVersion();
    const cred = this.credential(auth.accessKeyId);
    this.checkTime(h["x-acs-date"]);
    const canonical = canonicalRequestV3(method, "/", query, h, [...signed], sha256Hex(req.body));
    const toSign = stringToSignV3(canonical);
    if (!sameText(signV3(toSign, cred.accessKeySecret), auth.signature)) throw GatewayErrors.signatureMismatch(toSign);
    this.checkToken(cred, h["x-acs-security-token"]);
    this.checkNonceOnce(cred.accessKeyId, h["x-acs-signature-nonce"]);
    const params = { ...query };
    if (isForm) decodeForm(req.body.toString("utf8"), params);
    return { action: h["x-acs-action"], params, region: this.regionOf(params, req), accessKeyId: cred.accessKeyId, scheme: "v3" };
  }
  credential(accessKeyId) {
    const cred = this.keys.get(accessKeyId);
    if (!cred) throw GatewayErrors.unknownKey();
    return cred;
  }
  /** `yyyy-MM-ddTHH:mm:ssZ` (milliseconds tolerated, §9.3), within ±15 minutes of our clock. */
  checkTime(ts) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(ts)) throw GatewayErrors.badTimestamp();
    const t = Date.parse(ts);
    if (!Number.isFinite(t)) throw GatewayErrors.badTimestamp();
    if (Math.abs(Date.now() - t) > SKEW_MS) throw GatewayErrors.expired();
  }
  checkToken(cred, token) {
    if (cred.securityToken === void 0) {
      if (token !== void 0 && token !== "") throw GatewayErrors.tokenMismatch();
      return;
    }
    if (token === void 0 || token === "") throw GatewayErrors.tokenMissing();
    if (!sameText(token, cred.securityToken)) throw GatewayErrors.tokenMismatch();
  }
  /** A request without a nonce is accepted (old clients omit it, §9.2); a reused one is not. */
  checkNonceOnce(accessKeyId, nonce) {
    if (!this.checkNonce || nonce === void 0 || nonce === "") return;
    if (!this.nonces.add(accessKeyId + "\0" + nonce)) throw GatewayErrors.nonceUsed();
  }
  /** RegionId parameter, else the `kms[-vpc].<region>.aliyuncs.com` Host, else the server's default. */
  regionOf(params, req) {
    if (params.RegionId) {
      if (!REGION_ID.test(params.RegionId)) throw GatewayErrors.badRegion();
      return params.RegionId;
    }
    return regionFromHost(req.headers["host"]) ?? this.opts.defaultRegion;
  }
};
function regionFromHost(host) {
  const m = /^kms(?:-vpc)?\.([a-z0-9-]+)\.aliyuncs\.com(?::\d+)?$/i.exec(host ?? "");
  return m ? m[1].toLowerCase() : void 0;
}
function sameText(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
export {
  API_VERSION,
  Gateway,
  GatewayErrors,
  NonceCache,
  REGION_ID,
  SKEW_MS,
  canonicalQuery,
  decodeForm,
  hmacSha1Base64,
  popEncode,
  regionFromHost,
  signV1,
  stringToSignV1
};
