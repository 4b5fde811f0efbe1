// The one description of an operation: its parameters (wire name, metadata type, required, help
// text, service-side decoding and constraints), its error texts and its response type. The CLI
// validates names and required parameters from it and prints help from it; the local backend and
// the server decode requests with it; the remote backend sends what the CLI collected.
import { ServiceError } from '../core/errors.js';

/** Types as the real CLI's metadata names them (they appear in `--help`). */
export type MetaType = 'String' | 'Integer' | 'Boolean' | 'Long' | 'RepeatList' | 'Json';

export interface ParamSpec<T = unknown> {
  type: MetaType;
  description: string;
  required?: boolean;
  /** RepeatList members: `Tag.N.Key`, `Tag.N.Value`. */
  subParams?: readonly string[];
  /** Service-side decoding of the wire string; throw `invalid()` to refuse it. */
  decode?: (raw: string) => T;
  default?: T;
  /** An empty value is a value (e.g. clearing a description), not an absent parameter. */
  allowEmpty?: boolean;
  /** Phantom, carries T for RequestOf. */
  readonly __t?: T;
}

export interface OperationSpec {
  name: string;
  summary: string;
  /** Message of this operation's 400 InvalidParameter (it differs between operations). */
  invalidMessage: string;
  params: Record<string, ParamSpec<any>>;
}

type Decoded<P> = P extends ParamSpec<infer T> ? T : never;
type IsSet<P> = P extends { required: true } ? true : P extends { default: {} } ? true : false;

/** The typed request of an operation, derived from its parameter description. */
export type RequestOf<O extends OperationSpec> = {
  [K in keyof O['params']]: IsSet<O['params'][K]> extends true ? Decoded<O['params'][K]> : Decoded<O['params'][K]> | undefined;
};

/** Thrown by decoders; turned into the operation's InvalidParameter error. */
export class InvalidParam extends Error {}
export const invalid = (why = ''): never => {
  throw new InvalidParam(why);
};

export function invalidParameter(op: OperationSpec): ServiceError {
  return new ServiceError(400, 'InvalidParameter', op.invalidMessage);
}

// ---- parameter builders -------------------------------------------------------------------

type Opts<T> = { required?: boolean; default?: T; allowEmpty?: boolean };
/** Keeps whether a builder was given a default or `required`, so RequestOf knows the value is set. */
type Built<T, O> = ParamSpec<T> & (O extends { default: T } ? { default: T } : unknown) & (O extends { required: true } ? { required: true } : unknown);

export function str<const O extends Opts<string> & { maxLength?: number; maxBytes?: number; oneOf?: readonly string[] } = {}>(description: string, opts: O = {} as O): Built<string, O> {
  const { maxLength, maxBytes, oneOf, ...rest } = opts;
  return <Built<string, O>>{
    type: 'String',
    description,
    ...rest,
    decode: (raw: string) => {
      if (maxLength !== undefined && [...raw].length > maxLength) invalid(`longer than ${maxLength}`);
      if (maxBytes !== undefined && Buffer.byteLength(raw) > maxBytes) invalid(`over ${maxBytes} bytes`);
      if (oneOf && !oneOf.includes(raw)) invalid(`not one of ${oneOf.join(', ')}`);
      return raw;
    },
  };
}

export function int<const O extends Opts<number> & { min?: number; max?: number; metaType?: MetaType } = {}>(description: string, opts: O = {} as O): Built<number, O> {
  const { min, max, metaType, ...rest } = opts;
  return <Built<number, O>>{
    type: metaType ?? 'Integer',
    description,
    ...rest,
    decode: (raw: string) => {
      if (!/^-?\d+$/.test(raw.trim())) invalid('not an integer');
      const v = Number(raw.trim());
      if ((min !== undefined && v < min) || (max !== undefined && v > max)) invalid('out of range');
      return v;
    },
  };
}

/** Booleans travel as `true`/`false`; the service accepts either case. */
export function bool<const O extends Opts<boolean> & { metaType?: MetaType } = {}>(description: string, opts: O = {} as O): Built<boolean, O> {
  const { metaType, ...rest } = opts;
  return <Built<boolean, O>>{
    type: metaType ?? 'String',
    description,
    ...rest,
    decode: (raw: string) => {
      const v = raw.trim().toLowerCase();
      if (v === 'true') return true;
      if (v === 'false') return false;
      return invalid('not a boolean');
    },
  };
}

/** A string parameter whose value is JSON text (Tags, Filters, VersionStages, …). */
export function jsonText<T, const O extends Opts<T> & { metaType?: MetaType } = {}>(description: string, parse: (v: unknown) => T, opts: O = {} as O): Built<T, O> {
  const { metaType, ...rest } = opts;
  return <Built<T, O>>{
    type: metaType ?? 'String',
    description,
    ...rest,
    decode: (raw: string) => {
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch {
        return invalid('not JSON');
      }
      return parse(v);
    },
  };
}

export function repeatList(description: string, subParams?: readonly string[], opts: { required?: boolean } = {}): ParamSpec<any> {
  return { type: 'RepeatList', description, subParams, ...opts };
}

export const required = <T>(p: ParamSpec<T>): ParamSpec<T> & { required: true } => ({ ...p, required: true });

// ---- decoding -------------------------------------------------------------------------------

/**
 * Decodes the wire parameters of a call into the typed request, as the service does: missing
 * required → MissingParameter, anything a decoder refuses → the operation's InvalidParameter.
 * RepeatList parameters (`ResourceId.1`, `Tag.1.Key`) are gathered into arrays in index order.
 */
export function decodeRequest<O extends OperationSpec>(op: O, raw: Record<string, string>): RequestOf<O> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(op.params)) {
    if (spec.type === 'RepeatList') {
      out[name] = gatherRepeatList(op, name, spec, raw);
      if (spec.required && (out[name] as unknown[]).length === 0) throw missing(name);
      continue;
    }
    const v = raw[name];
    if (v === undefined || (v === '' && !spec.allowEmpty)) {
      if (spec.required) throw missing(name);
      out[name] = spec.default;
      continue;
    }
    if (spec.decode) {
      try {
        out[name] = spec.decode(v);
      } catch (e) {
        if (e instanceof InvalidParam) throw invalidParameter(op);
        throw e;
      }
    } else out[name] = v;
  }
  return out as RequestOf<O>;
}

function missing(name: string): ServiceError {
  return new ServiceError(400, 'MissingParameter', `The parameter "${name}" is needed but not provided.`);
}

function gatherRepeatList(op: OperationSpec, name: string, spec: ParamSpec, raw: Record<string, string>): unknown[] {
  const byIndex = new Map<number, any>();
  const re = spec.subParams ? new RegExp(`^${name}\\.(\\d+)\\.(${spec.subParams.join('|')})$`) : new RegExp(`^${name}\\.(\\d+)$`);
  for (const [k, v] of Object.entries(raw)) {
    const m = re.exec(k);
    if (!m) continue;
    const idx = Number(m[1]);
    if (idx < 1) throw invalidParameter(op);
    if (spec.subParams) {
      const item = byIndex.get(idx) ?? {};
      item[m[2]] = v;
      byIndex.set(idx, item);
    } else byIndex.set(idx, v);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}
