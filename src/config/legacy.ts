// The first-use migration of the old Python CLI's files (config/legacy.go of the real CLI): when
// ~/.aliyun/config.json does not exist and ~/.aliyuncli/credentials does, its INI sections become
// AK profiles (`[default]` → "default", `[profile NAME]` → NAME, keys `aliyun_access_key_id` and
// `aliyun_access_key_secret`), `region` of the same-named section of ~/.aliyuncli/configure becomes
// the profile's region, and the result is written to ~/.aliyun/config.json. The old files are only read.
import { readFileSync } from 'node:fs';
import type { ConfigFile, Profile } from './profile.js';

type IniSection = { name: string; keys: Map<string, string> };

/**
 * INI as gopkg.in/ini.v1 reads it with default options, for what the migration looks at: sections
 * in order of first appearance (`DEFAULT` first), keys `k = v` or `k: v` trimmed, case-sensitive,
 * last one wins; `;`/`#` comment lines; an unquoted value is cut at its first `#` or `;`; quotes
 * around a value are removed. A line that is neither is an error (the whole file is refused).
 */
export function parseIni(text: string): IniSection[] | undefined {
  const sections: IniSection[] = [{ name: 'DEFAULT', keys: new Map() }];
  let current = sections[0];
  for (const raw of text.replace(/^\ufeff/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const end = line.indexOf(']');
      if (end < 0) return undefined;
      const name = line.slice(1, end).trim();
      current = sections.find((s) => s.name === name) ?? sections[sections.push({ name, keys: new Map() }) - 1];
      continue;
    }
    const cut = line.search(/[=:]/);
    if (cut < 0) return undefined;
    const key = line.slice(0, cut).trim();
    let value = line.slice(cut + 1).trim();
    const quote = /^("""|"|')/.exec(value)?.[1];
    const close = quote ? value.indexOf(quote, quote.length) : -1;
    if (quote && close >= 0) value = value.slice(quote.length, close);
    else {
      const comment = value.search(/[#;]/);
      if (comment >= 0) value = value.slice(0, comment).trim();
    }
    current.keys.set(key, value);
  }
  return sections;
}

function readIni(path: string): IniSection[] | undefined {
  try {
    return parseIni(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The migrated configuration, or undefined when there is no ~/.aliyuncli/credentials. A file that
 * cannot be read or parsed gives an empty configuration, as in the real CLI (which then saves it).
 */
export function migrateLegacyConfiguration(home: string, exists: (p: string) => boolean): ConfigFile | undefined {
  const credentialsPath = `${home}/.aliyuncli/credentials`;
  if (!exists(credentialsPath)) return undefined;
  const conf: ConfigFile = { current: '', profiles: [], meta_path: '' };
  const credentials = readIni(credentialsPath);
  if (!credentials) return conf;
  for (const section of credentials) {
    if (section.name === 'DEFAULT') continue;
    let profileName = section.name;
    if (section.name === 'default') conf.current = 'default';
    else {
      // The real CLI cuts the first 8 characters ("profile ") without looking; a shorter name
      // crashes it. Ours: such a section is skipped.
      if ([...Buffer.from(section.name)].length < 'profile '.length) continue;
      profileName = Buffer.from(section.name).subarray('profile '.length).toString();
      if (conf.current !== 'default') conf.current = profileName;
    }
    const id = section.keys.get('aliyun_access_key_id');
    const secret = section.keys.get('aliyun_access_key_secret');
    if (id !== undefined && secret !== undefined)
      conf.profiles.push({ name: profileName, mode: 'AK', access_key_id: id, access_key_secret: secret, output_format: 'json' });
  }
  const configure = readIni(`${home}/.aliyuncli/configure`);
  for (const section of configure ?? []) {
    const profile: Profile | undefined = conf.profiles.find((p) => p.name === section.name);
    const region = section.keys.get('region');
    if (profile && region !== undefined) profile.region_id = region;
  }
  return conf;
}
