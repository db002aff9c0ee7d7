// Which URLs a webhook may call (SSRF): https only, except plain http to loopback where loopback is
// allowed; loopback (127.0.0.0/8, ::1, localhost) only in local dev or tests (WEBHOOK_ALLOW_LOOPBACK
// or APP_ENV=development); private ranges only in development; link-local (169.254.0.0/16, which
// holds cloud metadata services, fe80::/10) and fd00:ec2::254 (AWS's IPv6 metadata) never.
// Literal addresses are checked here; names other than localhost resolve on Cloudflare's network,
// where a Worker's fetch cannot reach private addresses. Redirects are never followed (dispatch.ts).
import type { Config } from "../../core/config.ts";

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

type Kind = "public" | "loopback" | "private" | "forbidden";

function ipv4Kind(text: string): Kind | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (a === 127) return "loopback";
  if (a === 169 && b === 254) return "forbidden"; // link-local: cloud metadata (169.254.169.254)
  if (a === 0 || a >= 224) return "forbidden"; // "this network", multicast, reserved, broadcast
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return "private";
  return "public";
}

/** Expands a WHATWG-normalized IPv6 literal (no brackets) to eight 16-bit groups. */
function ipv6Groups(text: string): number[] | null {
  let body = text.toLowerCase();
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (v4) {
    const parts = v4[1]!.split(".").map(Number);
    tail.push((parts[0]! << 8) | parts[1]!, (parts[2]! << 8) | parts[3]!);
    body = body.slice(0, -v4[1]!.length) + "0:0";
  }
  const [head, rest] = body.split("::");
  const parse = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(rest);
  const groups = body.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill(0), ...right] : left;
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return null;
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups;
}

function ipv6Kind(text: string): Kind {
  const g = ipv6Groups(text);
  if (!g) return "forbidden";
  if (g.join(":") === "64768:3778:0:0:0:0:0:596") return "forbidden"; // fd00:ec2::254
  if (g.slice(0, 7).every((x) => x === 0)) return g[7] === 1 ? "loopback" : "forbidden"; // ::1, ::
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    // ::ffff:a.b.c.d: an IPv4 address in disguise.
    return ipv4Kind(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`) ?? "forbidden";
  }
  if ((g[0]! & 0xffc0) === 0xfe80) return "forbidden"; // link-local
  if ((g[0]! & 0xfe00) === 0xfc00) return "private"; // unique local fc00::/7
  if ((g[0]! & 0xff00) === 0xff00) return "forbidden"; // multicast
  return "public";
}

function hostKind(hostname: string): Kind {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[") && host.endsWith("]")) return ipv6Kind(host.slice(1, -1));
  const v4 = ipv4Kind(host);
  if (v4) return v4;
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  if (host.endsWith(".internal") || host.endsWith(".local") || !host.includes(".")) return "private"; // names only a private network resolves
  return "public";
}

export function checkWebhookUrl(text: string, vars: Pick<Config, "APP_ENV" | "WEBHOOK_ALLOW_LOOPBACK">): UrlVerdict {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: "not a URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "credentials in the URL are not allowed (the signature authenticates us)" };
  const development = vars.APP_ENV === "development";
  const kind = hostKind(url.hostname);
  if (kind === "forbidden") return { ok: false, reason: "link-local, metadata, multicast and unspecified addresses are refused" };
  if (kind === "loopback" && !(development || vars.WEBHOOK_ALLOW_LOOPBACK)) return { ok: false, reason: "loopback addresses are allowed only in local development" };
  if (kind === "private" && !development) return { ok: false, reason: "private network addresses are refused" };
  const localHttp = url.protocol === "http:" && kind === "loopback";
  if (url.protocol !== "https:" && !localHttp) return { ok: false, reason: "webhook URLs must use https" };
  return { ok: true, url };
}
