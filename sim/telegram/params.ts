import { badRequest } from "./errors.js";
import type { Params, ParamValue } from "./types.js";

/** Readers for request parameters; they accept Telegram's loose typing (numbers as strings) and name what is missing. */

export function optionalInt(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isInteger(number)) throw badRequest(`invalid ${name} specified`);
  return number;
}

export function requireInt(params: Params, name: string): number {
  const value = optionalInt(params, name);
  if (value === undefined) throw badRequest(`${name} is empty`);
  return value;
}

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "object") throw badRequest(`invalid ${name} specified`);
  return String(value);
}

export function optionalBool(params: Params, name: string): boolean {
  const value = params[name];
  return value === true || value === "true" || value === 1 || value === "1";
}

export function optionalObject(params: Params, name: string): Record<string, ParamValue> | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === "object") return parsed as Record<string, ParamValue>;
    } catch {
      // fall through to the error below
    }
    throw badRequest(`can't parse ${name} JSON object`);
  }
  if (typeof value !== "object" || Array.isArray(value)) throw badRequest(`invalid ${name} specified`);
  return value as Record<string, ParamValue>;
}

export function optionalArray(params: Params, name: string): ParamValue[] | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed as ParamValue[];
    } catch {
      // fall through to the error below
    }
    throw badRequest(`can't parse ${name} JSON array`);
  }
  if (!Array.isArray(value)) throw badRequest(`field "${name}" must be an Array`);
  return value;
}
