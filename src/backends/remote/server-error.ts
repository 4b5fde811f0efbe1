// The SDK's ServerError from an error response (aliyun-cli-behavior.md §4.3), for KMS and STS calls.
import { ServiceError } from '../../core/errors.js';
import type { WireResponse } from './wire.js';

const SIGNATURE_CODES = ['SignatureDoesNotMatch', 'IncompleteSignature'];
const STRING_TO_SIGN_MARK = 'server string to sign is:';
/** `Name%3Dvalue` of a secret parameter inside an (encoded) string to sign, up to the next `%26`. */
const SIGNED_SECRET = /(&|%26)(SecretData|SecurityToken|AccessKeyId|Signature)%3D.*?(?=%26|$)/g;

export function serverError(res: WireResponse, stringToSign: string): ServiceError {
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  const obj = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  // A non-string field is printed as its JSON text (the real CLI panics: spec README deviation).
  const field = (k: string) => {
    const v = obj?.[k];
    return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  };
  const message = obj && 'Message' in obj ? field('Message') : res.text;
  const e = new ServiceError(res.status, field('Code'), message);
  e.requestId = field('RequestId');
  e.hostId = field('HostId');
  e.recommend = field('Recommend');
  e.rawBody = res.text;
  e.headers = res.headers;
  const detail = obj?.AccessDeniedDetail;
  if (detail && typeof detail === 'object' && !Array.isArray(detail)) e.accessDeniedDetail = detail as Record<string, unknown>;
  if (SIGNATURE_CODES.includes(e.code) && message.includes(STRING_TO_SIGN_MARK)) {
    const serverSide = message.split(STRING_TO_SIGN_MARK)[1];
    e.recommend =
      // Compared with secret values masked on both sides: a gateway may echo them masked.
      serverSide.replace(SIGNED_SECRET, '$1$2%3D***') === stringToSign.replace(SIGNED_SECRET, '$1$2%3D***')
        ? 'InvalidAccessKeySecret: Please check you AccessKeySecret'
        : 'This may be a bug with the SDK and we hope you can submit this question in the github issue(https://github.com/aliyun/alibaba-cloud-sdk-go/issues), thanks very much';
    // The gateway echoes every signed parameter; secret values stay out of our error text.
    e.message = message.replace(SIGNED_SECRET, '$1$2%3D***');
  }
  return e;
}

