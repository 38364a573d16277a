// The client's address: the socket's peer, or, when the peer is one of our proxies, the first
// untrusted hop of x-forwarded-for walking back from it (ROUTER_TRUSTED_PROXIES: CIDRs of the
// load balancers in front of the router; none by default). The result is what the router sends
// the subgraphs as the only entry of x-forwarded-for and what anonymous rate limits key on.
import { BlockList, isIP } from 'node:net';

export class TrustedProxies {
  private readonly blocks = new BlockList();
  readonly empty: boolean;

  constructor(cidrs: string[]) {
    for (const cidr of cidrs) {
      const [address, bits] = cidr.split('/');
      const family = isIP(address);
      if (!family) throw new Error(`ROUTER_TRUSTED_PROXIES: "${cidr}" is not an address or CIDR`);
      const type = family === 6 ? 'ipv6' : 'ipv4';
      const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
        throw new Error(`ROUTER_TRUSTED_PROXIES: "${cidr}" has a bad prefix length`);
      }
      this.blocks.addSubnet(address, prefix, type);
    }
    this.empty = cidrs.length === 0;
  }

  has(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.blocks.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}

function plain(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

export function clientIp(peerAddress: string | undefined, forwardedFor: string | null, proxies: TrustedProxies): string | undefined {
  let current = plain(peerAddress);
  if (!current || proxies.empty || !forwardedFor) return current;
  const hops = forwardedFor.split(',');
  while (proxies.has(current) && hops.length) {
    const previous = plain(hops.pop());
    if (!previous || !isIP(previous)) break;
    current = previous;
  }
  return current;
}

/** The rate-limit bucket of an address: IPv6 clients get a /64 each (one subscriber's prefix). */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head, tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}
