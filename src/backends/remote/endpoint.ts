// KMS endpoint resolution (aliyun-cli-behavior.md §7.1), deterministically: no Location-service call.
import { profileString, type Profile } from '../../config/profile.js';

const VPC_REGIONS = new Set(
  `us-west-1 us-east-1 me-east-1 me-central-1 eu-west-1 eu-central-1 cn-zhengzhou-jva cn-zhangjiakou cn-wulanchabu
cn-wuhan-lr cn-shenzhen-finance-1 cn-shenzhen cn-shanghai-finance-1 cn-shanghai cn-qingdao cn-huhehaote cn-hongkong
cn-heyuan cn-hangzhou-finance cn-hangzhou cn-guangzhou cn-fuzhou cn-chengdu cn-beijing-finance-1 cn-beijing
ap-southeast-7 ap-southeast-6 ap-southeast-5 ap-southeast-3 ap-southeast-2 ap-southeast-1 ap-south-1 ap-northeast-2
ap-northeast-1`.split(/\s+/),
);

/**
 * The CLI metadata table maps every region to `kms.<region>.aliyuncs.com` except this one; the SDK
 * table (consulted first, but not for vpc) shadows it, so it only shows in the vpc fall-back.
 */
const METADATA_ODDITIES: Record<string, string> = { 'ap-southeast-5': 'kms.ap-southeast-1.aliyuncs.com' };

export function resolveEndpoint(p: Profile, region: string): string {
  const given = profileString(p, 'endpoint');
  if (given) return given;
  const vpc = profileString(p, 'endpoint_type') === 'vpc';
  if (vpc && VPC_REGIONS.has(region)) return `kms-vpc.${region}.aliyuncs.com`;
  if (vpc && METADATA_ODDITIES[region]) return METADATA_ODDITIES[region];
  // The SDK and metadata tables, and (our choice for regions in neither) the Location service's
  // answer for every region it knows, are all this pattern.
  return `kms.${region}.aliyuncs.com`;
}

/** STS host for role modes: `sts_endpoint` (scheme and trailing `/` stripped) > `sts.<sts_region>` > global. */
export function resolveStsEndpoint(p: Profile): { scheme: 'http' | 'https'; host: string } {
  let ep = profileString(p, 'sts_endpoint');
  if (ep) {
    // `http://` is honoured (ours: lets a local STS stand in); the real CLI strips `https://`.
    const scheme = ep.startsWith('http://') ? 'http' : 'https';
    ep = ep.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    return { scheme, host: ep };
  }
  const r = profileString(p, 'sts_region');
  return { scheme: 'https', host: r ? `sts.${r}.aliyuncs.com` : 'sts.aliyuncs.com' };
}
