/** An IPv4 network block, e.g. 10.40.0.0/16. */
export interface Cidr {
  /** Network address as an unsigned 32-bit integer; host bits are always zero. */
  readonly network: number;
  /** Number of leading network bits. */
  readonly prefixLength: number;
  /** Canonical text form, e.g. "10.40.0.0/16". */
  readonly text: string;
}

// Azure rejects VNets/subnets smaller than /29; anything wider than /8 is almost surely a typo.
const MIN_PREFIX = 8;
const MAX_PREFIX = 29;
const SHAPE = "not an IPv4 CIDR like 10.40.0.0/16";

function mask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

function formatAddress(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/**
 * Parses "10.40.0.0/16". Returns a Cidr, or a string explaining exactly what is wrong (e.g.
 * "host bits are set: did you mean 10.40.0.0/16?", "prefix length must be 8-29", "not an IPv4
 * CIDR like 10.40.0.0/16"). Octets 0-255 without leading zeros, no sign, no extra parts.
 */
export function parseCidr(text: string): Cidr | string {
  if (text.trim() !== text) return `${SHAPE}: remove the surrounding whitespace`;
  const slash = text.split("/");
  if (slash.length === 1 && /^\d+(\.\d+){3}$/.test(text)) {
    return `missing prefix length: ${SHAPE}`;
  }
  if (slash.length !== 2) return SHAPE;
  const [address, prefix] = slash;
  const octets = address.split(".");
  // \d only, so signs, spaces, hex and exponents never reach Number().
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o))) return SHAPE;
  if (!/^\d{1,2}$/.test(prefix)) return SHAPE;
  let network = 0;
  for (const octet of octets) {
    // A leading zero reads as octal in some tools, so the intent is ambiguous.
    if (octet.length > 1 && octet.startsWith("0")) return `octet "${octet}" has a leading zero`;
    const value = Number(octet);
    if (value > 255) return `octet ${value} is out of range 0-255`;
    network = network * 256 + value;
  }
  if (prefix.length > 1 && prefix.startsWith("0")) return `prefix "/${prefix}" has a leading zero`;
  const prefixLength = Number(prefix);
  if (prefixLength < MIN_PREFIX || prefixLength > MAX_PREFIX) {
    return `prefix length must be ${MIN_PREFIX}-${MAX_PREFIX}, got /${prefixLength}`;
  }
  const masked = (network & mask(prefixLength)) >>> 0;
  if (masked !== network) {
    return `host bits are set: did you mean ${formatAddress(masked)}/${prefixLength}?`;
  }
  return { network, prefixLength, text };
}

/** True if the two blocks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const m = mask(Math.min(a.prefixLength, b.prefixLength));
  return (a.network & m) >>> 0 === (b.network & m) >>> 0;
}

/** True if every address of `inner` is inside `outer` (a block contains itself). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.prefixLength <= inner.prefixLength &&
    (inner.network & mask(outer.prefixLength)) >>> 0 === outer.network
  );
}

/**
 * The index-th block of size /newPrefixLength inside base, e.g. subdivide(10.40.0.0/16, 24, 2) =
 * "10.40.2.0/24"; throws RangeError if it does not fit. The new prefix is capped at /29 so the
 * result is always a valid Azure block that parseCidr accepts.
 */
export function subdivide(base: Cidr, newPrefixLength: number, index: number): string {
  if (
    !Number.isInteger(newPrefixLength) ||
    newPrefixLength < base.prefixLength ||
    newPrefixLength > MAX_PREFIX
  ) {
    throw new RangeError(
      `new prefix length must be ${base.prefixLength}-${MAX_PREFIX} for ${base.text}, ` +
        `got ${newPrefixLength}`,
    );
  }
  const count = 2 ** (newPrefixLength - base.prefixLength);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(
      `index must be 0-${count - 1} for /${newPrefixLength} blocks in ${base.text}, got ${index}`,
    );
  }
  // Plain arithmetic, not bit shifts: the sum stays below 2^32, where shifts would go negative.
  const network = base.network + index * 2 ** (32 - newPrefixLength);
  return `${formatAddress(network)}/${newPrefixLength}`;
}
