import fc from "fast-check";
import { Cidr, cidrContains, cidrsOverlap, parseCidr, subdivide } from "../components/cidr";

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") throw new Error(`${text}: ${parsed}`);
  return parsed;
}

describe("parseCidr", () => {
  test.each([
    ["10.40.0.0/16", 0x0a280000, 16],
    ["10.0.0.0/8", 0x0a000000, 8],
    ["192.168.1.8/29", 0xc0a80108, 29],
    ["172.16.0.0/12", 0xac100000, 12],
    ["255.255.255.248/29", 0xfffffff8, 29],
    ["0.0.0.0/8", 0, 8],
  ])("%s is valid", (text, network, prefixLength) => {
    expect(parseCidr(text)).toEqual({ network, prefixLength, text });
  });

  test.each([
    ["10.40.1.0/16", "host bits are set: did you mean 10.40.0.0/16?"],
    ["10.40.0.1/29", "host bits are set: did you mean 10.40.0.0/29?"],
    ["255.255.255.255/8", "host bits are set: did you mean 255.0.0.0/8?"],
    ["10.0.0.0/30", "prefix length must be 8-29, got /30"],
    ["10.0.0.0/7", "prefix length must be 8-29, got /7"],
    ["10.0.0.0/0", "prefix length must be 8-29, got /0"],
    ["10.256.0.0/16", "octet 256 is out of range 0-255"],
    ["999.0.0.0/8", "octet 999 is out of range 0-255"],
    ["10.040.0.0/16", 'octet "040" has a leading zero'],
    ["10.0.0.0/016", "not an IPv4 CIDR like 10.40.0.0/16"],
    ["10.0.0.0/08", 'prefix "/08" has a leading zero'],
    ["10.0.0.0", "missing prefix length: not an IPv4 CIDR like 10.40.0.0/16"],
    [" 10.0.0.0/16", "not an IPv4 CIDR like 10.40.0.0/16: remove the surrounding whitespace"],
    ["10.0.0.0/16\n", "not an IPv4 CIDR like 10.40.0.0/16: remove the surrounding whitespace"],
  ])("%j -> %j", (text, message) => {
    expect(parseCidr(text)).toBe(message);
  });

  test.each([
    "",
    "10.0.0/16",
    "10.0.0.0.0/16",
    "+10.0.0.0/16",
    "10.+0.0.0/16",
    "10.0.0.0/+16",
    "10.0.0.0/-16",
    "10.0.0.0/16/24",
    "10.0.0.0/",
    "/16",
    "10.0.0.0 /16",
    "10..0.0/16",
    "0x0a.0.0.0/8",
    "1e1.0.0.0/8",
    "10.0.0.0/16a",
    "fd00::/8",
    "ten.0.0.0/8",
  ])("%j is not a CIDR", (text) => {
    expect(parseCidr(text)).toBe("not an IPv4 CIDR like 10.40.0.0/16");
  });
});

describe("cidrsOverlap", () => {
  test.each([
    ["10.40.0.0/16", "10.40.0.0/16", true],
    ["10.40.0.0/16", "10.40.5.0/24", true],
    ["10.40.5.0/24", "10.40.0.0/16", true],
    ["10.0.0.0/8", "10.255.255.248/29", true],
    ["10.40.0.0/16", "10.41.0.0/16", false],
    ["10.40.0.0/16", "10.39.255.248/29", false],
    ["10.40.0.0/24", "10.40.1.0/24", false],
    ["192.168.0.0/16", "10.0.0.0/8", false],
    ["128.0.0.0/8", "0.0.0.0/8", false],
    ["255.255.255.248/29", "255.0.0.0/8", true],
  ])("%s / %s -> %s", (a, b, expected) => {
    expect(cidrsOverlap(cidr(a), cidr(b))).toBe(expected);
  });
});

describe("cidrContains", () => {
  test.each([
    ["10.40.0.0/16", "10.40.0.0/16", true],
    ["10.40.0.0/16", "10.40.255.0/24", true],
    ["10.0.0.0/8", "10.255.255.248/29", true],
    ["255.0.0.0/8", "255.255.255.248/29", true],
    ["10.40.5.0/24", "10.40.0.0/16", false],
    ["10.40.0.0/24", "10.40.0.0/16", false],
    ["10.40.0.0/16", "10.41.0.0/24", false],
    ["10.40.0.0/24", "10.40.1.0/29", false],
    ["10.0.0.0/8", "11.0.0.0/8", false],
  ])("%s contains %s -> %s", (outer, inner, expected) => {
    expect(cidrContains(cidr(outer), cidr(inner))).toBe(expected);
  });
});

describe("subdivide", () => {
  test.each([
    ["10.40.0.0/16", 24, 2, "10.40.2.0/24"],
    ["10.40.0.0/16", 16, 0, "10.40.0.0/16"],
    ["10.40.0.0/16", 17, 1, "10.40.128.0/17"],
    ["10.40.0.0/16", 29, 8191, "10.40.255.248/29"],
    ["10.40.0.0/16", 26, 5, "10.40.1.64/26"],
    ["255.0.0.0/8", 9, 1, "255.128.0.0/9"],
    ["255.0.0.0/8", 29, 2 ** 21 - 1, "255.255.255.248/29"],
  ])("%s into /%i, #%i -> %s", (base, prefix, index, expected) => {
    expect(subdivide(cidr(base), prefix, index)).toBe(expected);
  });

  test.each([
    ["10.40.0.0/16", 24, 256],
    ["10.40.0.0/16", 24, -1],
    ["10.40.0.0/16", 24, 1.5],
    ["10.40.0.0/16", 15, 0],
    ["10.40.0.0/16", 30, 0],
    ["10.40.0.0/16", 24.5, 0],
    ["10.40.0.0/16", 16, 1],
  ])("%s into /%p, #%p throws RangeError", (base, prefix, index) => {
    expect(() => subdivide(cidr(base), prefix, index)).toThrow(RangeError);
  });

  const dotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
  const blocks = fc
    .record({
      address: fc.integer({ min: 0, max: 0xffffffff }),
      basePrefix: fc.integer({ min: 8, max: 29 }),
    })
    .chain(({ address, basePrefix }) => {
      const size = 2 ** (32 - basePrefix);
      const base = cidr(`${dotted(Math.floor(address / size) * size)}/${basePrefix}`);
      return fc.integer({ min: basePrefix, max: 29 }).chain((newPrefix) => {
        const index = fc.integer({ min: 0, max: 2 ** (newPrefix - basePrefix) - 1 });
        return fc.record({
          base: fc.constant(base),
          newPrefix: fc.constant(newPrefix),
          i: index,
          j: index,
        });
      });
    });

  test("blocks are valid, inside the base, and distinct indices never overlap", () => {
    fc.assert(
      fc.property(blocks, ({ base, newPrefix, i, j }) => {
        const a = cidr(subdivide(base, newPrefix, i));
        const b = cidr(subdivide(base, newPrefix, j));
        expect(a.prefixLength).toBe(newPrefix);
        expect(cidrContains(base, a)).toBe(true);
        expect(cidrContains(base, b)).toBe(true);
        expect(cidrContains(a, base)).toBe(newPrefix === base.prefixLength);
        expect(cidrsOverlap(a, b)).toBe(i === j);
      }),
      { numRuns: 500 },
    );
  });
});
