// Region resolution (aliyun-cli-behavior.md §6.3): the region a call asked for (--region, --RegionId)
// > the profile's (flags and environment already overlaid) > the fall-back.
import { tipError } from '../core/errors.js';
import { profileString, type Profile } from './profile.js';

const REGION_RE = /^[a-zA-Z0-9-]*$/;

export function isValidRegion(region: string): boolean {
  return REGION_RE.test(region);
}

export function resolveRegion(requested: string | undefined, p: Profile, fallback = 'cn-hangzhou'): string {
  const region = requested || profileString(p, 'region_id') || fallback;
  if (!isValidRegion(region)) throw tipError(`invalid region ${region}`);
  return region;
}
