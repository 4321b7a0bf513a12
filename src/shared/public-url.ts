/**
 * Whether a link someone sent may be handed to NemoVideo's upload-by-URL. NemoVideo's servers fetch it,
 * so a link to a loopback, private, link-local or otherwise internal address would make them reach into
 * their own network (server-side request forgery) on our users' behalf, and a link with `user:pass@`
 * would carry someone's credentials to a third party. Names are judged as written: a Worker cannot
 * resolve DNS, so a public name that points inward is NemoVideo's to refuse.
 */

/** Why a link is refused, or undefined when it may go out. */
export type LinkRefusal = "scheme" | "credentials" | "local-name" | "private-address";

const LOCAL_SUFFIXES = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home", ".corp", ".home.arpa"];

export function refuseLink(href: string): LinkRefusal | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return "scheme";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "scheme";
  if (url.username || url.password) return "credentials";
  // WHATWG URL parsing already turned 2130706433, 0x7f.1 and 017700000001 into 127.0.0.1.
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return isPrivateIpv6(host.slice(1, -1)) ? "private-address" : undefined;
  const v4 = ipv4Parts(host);
  if (v4) return isPrivateIpv4(v4) ? "private-address" : undefined;
  if (host === "localhost" || !host.includes(".")) return "local-name";
  if (LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) return "local-name";
  return undefined;
}

function ipv4Parts(host: string): number[] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return undefined;
  const parts = match.slice(1).map(Number);
  return parts.every((part) => part <= 255) ? parts : undefined;
}

/** Loopback, private, shared (CGNAT), link-local, benchmarking, multicast, reserved and "this network". */
function isPrivateIpv4([a = 0, b = 0, c = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a >= 224
  );
}

/** ::, ::1, unique-local fc00::/7, link-local fe80::/10, multicast, and IPv4 embedded in IPv6 that is private. */
function isPrivateIpv6(address: string): boolean {
  const groups = expandIpv6(address);
  if (!groups) return true; // unparseable: not worth the risk
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = groups;
  const zeroPrefix = groups.slice(0, 5).every((group) => group === 0);
  if (zeroPrefix && g5 === 0 && g6 === 0 && (g7 === 0 || g7 === 1)) return true;
  if ((g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80 || (g0 & 0xff00) === 0xff00) return true;
  const embedded = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64).
  if (zeroPrefix && (g5 === 0xffff || g5 === 0)) return isPrivateIpv4(embedded);
  if (g0 === 0x64 && g1 === 0xff9b) return isPrivateIpv4(embedded);
  // 6to4 (2002:a.b.c.d::/48) carries the IPv4 address in groups 1 and 2.
  if (g0 === 0x2002) return isPrivateIpv4([g1 >> 8, g1 & 0xff, (groups[2] ?? 0) >> 8, (groups[2] ?? 0) & 0xff]);
  return false;
}

function expandIpv6(address: string): number[] | undefined {
  let text = address.split("%")[0] ?? "";
  // A dotted IPv4 tail (URL parsing normally rewrites it to hex already).
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail?.[1]) {
    const v4 = ipv4Parts(tail[1]);
    if (!v4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    text = `${text.slice(0, -tail[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part ? part.split(":").map((group) => Number.parseInt(group, 16)) : []);
  const head = parse(halves[0] ?? "");
  const rest = halves.length === 2 ? parse(halves[1] ?? "") : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...Array<number>(Math.max(0, fill)).fill(0), ...rest];
  if (groups.length !== 8 || groups.some((group) => !Number.isInteger(group) || group < 0 || group > 0xffff)) {
    return undefined;
  }
  return groups;
}
