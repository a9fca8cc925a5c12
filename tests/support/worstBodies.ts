/**
 * The bodies that make the receiver work hardest per byte, each filled to a given size: for the amplification
 * test (output sizes) and for `npm run bench:worst` (time and memory). Each is valid JSON unless said otherwise,
 * as a hostile sender would make it to get past the 400 answers.
 */
import { generateDelivery, seededRandom } from "../../local/generate";

export interface WorstBody {
    name: string;
    /** What it aims at. */
    why: string;
    /** Whether its elements are valid alerts (then storing them is the work, not amplification). */
    valid: boolean;
    build(bytes: number): Buffer;
}

const TRIGGERED_AT = "2026-11-27T09:00:00.000Z";

/** `[<element 0>,<element 1>,...]` with as many elements as fit in `bytes`. */
function fill(bytes: number, element: (i: number) => string): Buffer {
    const parts: string[] = [];
    let size = 2;
    for (let i = 0; ; i++) {
        const next = element(i);
        const added = Buffer.byteLength(next) + (i > 0 ? 1 : 0);
        if (size + added > bytes) break;
        parts.push(next);
        size += added;
    }
    return Buffer.from(`[${parts.join(",")}]`);
}

/** One element of about `bytes` whose members are `member(i)`. */
function objectOf(bytes: number, member: (i: number) => string): string {
    const members: string[] = [];
    let size = 2;
    for (let i = 0; size < bytes - 64; i++) {
        const next = member(i);
        members.push(next);
        size += next.length + 1;
    }
    return `{${members.join(",")}}`;
}

const ELEMENT_LIMIT = 16 * 1024 - 64;

export const WORST_BODIES: readonly WorstBody[] = [
    { name: "empty objects", why: "the most elements that each fail every required member", valid: false, build: (n) => fill(n, () => "{}") },
    { name: "scalars after one object", why: "the most elements of all: 2 bytes each", valid: false, build: (n) => fill(n, (i) => (i === 0 ? "{}" : "1")) },
    {
        name: "wrong types",
        why: "every member present, of the wrong JSON type: superstruct would list many errors",
        valid: false,
        build: (n) => fill(n, () => '{"alert_id":"1","name":1,"metric":[],"triggered_value":"x","triggered_at":7,"filters":"all","evaluator":1}'),
    },
    {
        name: "right types, wrong values",
        why: "past the first look: superstruct judges each one",
        valid: false,
        build: (n) => fill(n, (i) => `{"alert_id":-${i},"name":"","metric":"X","triggered_value":0,"triggered_at":"x","filters":{}}`),
    },
    {
        name: "one nested error",
        why: "valid but for a filter: superstruct goes all the way each time",
        valid: false,
        build: (n) => fill(n, (i) => `{"alert_id":${i + 1},"name":"n","metric":"health_score","triggered_value":50,"triggered_at":"${TRIGGERED_AT}","evaluator":{"operator":"gt","source":"raw","value":0},"filters":{"subaccount_id":-1}}`),
    },
    {
        name: "many keys",
        why: "16 KiB elements of distinct keys: duplicate detection at its largest",
        valid: false,
        build: (n) => fill(n, (e) => objectOf(ELEMENT_LIMIT, (i) => `"k${e}_${i}":1`)),
    },
    {
        name: "duplicate keys",
        why: "16 KiB elements of one key repeated: a problem per member",
        valid: false,
        build: (n) => fill(n, () => objectOf(ELEMENT_LIMIT, () => '"a":1')),
    },
    {
        name: "escaped keys",
        why: "every key needs decoding",
        valid: false,
        build: (n) => fill(n, (e) => objectOf(ELEMENT_LIMIT, (i) => `"\\u0061${e}_${i}":1`)),
    },
    {
        name: "maximum depth",
        why: "elements nested to the deepest allowed level",
        valid: false,
        build: (n) => fill(n, () => '{"a":{"b":{"c":{"d":{}}}}}'),
    },
    {
        name: "altered numbers",
        why: "16 KiB elements of numbers parsing alters",
        valid: false,
        build: (n) => fill(n, () => `{"v":[${Array(2400).fill("1e-400").join(",")}]}`),
    },
    {
        name: "long number literals",
        why: "numbers of 16,000 digits: the exact check at its longest",
        valid: false,
        build: (n) => fill(n, () => `{"v":0.${"0".repeat(16_000)}1}`),
    },
    {
        name: "long strings",
        why: "one string as long as the body",
        valid: false,
        build: (n) => Buffer.from(`[{},"${"x".repeat(n - 8)}"]`),
    },
    {
        name: "lone surrogates",
        why: "16 KiB elements of escaped lone surrogates",
        valid: false,
        build: (n) => fill(n, () => `{"v":"${"\\ud800".repeat(2700)}"}`),
    },
    {
        name: "oversized elements",
        why: "elements just over 16 KiB: each measured in bytes",
        valid: false,
        build: (n) => fill(n, () => `{"name":"${"é".repeat(8200)}"}`),
    },
    {
        name: "smallest valid alerts",
        why: "the most records per byte (blocklist needs no evaluator)",
        valid: true,
        build: (n) => fill(n, (i) => `{"alert_id":${i + 1},"name":"n","metric":"blocklist","triggered_value":1,"triggered_at":"${TRIGGERED_AT}","filters":{}}`),
    },
    {
        name: "real-shape delivery",
        why: "what SparkPost sends, one element per subaccount",
        valid: true,
        build: (n) => {
            // About 233 bytes an element: start near the size and trim.
            let subaccounts = Math.floor(n / 240);
            let body = Buffer.from(JSON.stringify(generateDelivery({ subaccounts, triggeredAt: new Date(TRIGGERED_AT), random: seededRandom(1) })));
            while (body.byteLength > n) {
                subaccounts -= Math.max(1, Math.floor((body.byteLength - n) / 240));
                body = Buffer.from(JSON.stringify(generateDelivery({ subaccounts, triggeredAt: new Date(TRIGGERED_AT), random: seededRandom(1) })));
            }
            return body;
        },
    },
];
