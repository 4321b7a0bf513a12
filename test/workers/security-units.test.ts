import { describe, expect, it } from "vitest";
import { refuseLink } from "../../src/shared/public-url";
import { redact } from "../../src/shared/redact";

/** The two tables behind issue 19's link check and log redaction. */
describe("links NemoVideo may fetch", () => {
  it.each([
    ["http://127.0.0.1/a.jpg", "private-address"],
    ["http://127.1/a.jpg", "private-address"],
    ["http://2130706433/a.jpg", "private-address"],
    ["http://0x7f000001/a.jpg", "private-address"],
    ["http://0177.0.0.1/a.jpg", "private-address"],
    ["http://10.1.2.3/a.jpg", "private-address"],
    ["http://172.16.0.1/a.jpg", "private-address"],
    ["http://172.31.255.255/a.jpg", "private-address"],
    ["http://192.168.0.10/a.jpg", "private-address"],
    ["http://169.254.169.254/a.jpg", "private-address"],
    ["http://100.64.0.1/a.jpg", "private-address"],
    ["http://0.0.0.0/a.jpg", "private-address"],
    ["http://224.0.0.1/a.jpg", "private-address"],
    ["http://[::1]/a.jpg", "private-address"],
    ["http://[::]/a.jpg", "private-address"],
    ["http://[fe80::1]/a.jpg", "private-address"],
    ["http://[fd00::1]/a.jpg", "private-address"],
    ["http://[::ffff:192.168.1.1]/a.jpg", "private-address"],
    ["http://[64:ff9b::10.0.0.1]/a.jpg", "private-address"],
    ["http://[2002:c0a8:0101::1]/a.jpg", "private-address"],
    ["http://localhost/a.jpg", "local-name"],
    ["http://LOCALHOST./a.jpg", "local-name"],
    ["http://api.localhost/a.jpg", "local-name"],
    ["http://nas.local/a.jpg", "local-name"],
    ["http://metadata.google.internal/a.jpg", "local-name"],
    ["http://intranet/a.jpg", "local-name"],
    ["https://user:pass@cdn.example.com/a.jpg", "credentials"],
    ["https://token@cdn.example.com/a.jpg", "credentials"],
    ["ftp://cdn.example.com/a.jpg", "scheme"],
    ["https://cdn.example.com/a.jpg", undefined],
    ["https://8.8.8.8/a.jpg", undefined],
    ["https://172.32.0.1/a.jpg", undefined],
    ["https://[2606:4700::1111]/a.jpg", undefined],
  ])("%s → %s", (link, expected) => {
    expect(refuseLink(link)).toBe(expected);
  });
});

describe("one redact for every token shape", () => {
  it("hides bot tokens, NemoVideo user tokens, claim tokens and given secrets alike", () => {
    const text =
      "GET https://api.telegram.org/bot123456:AAHk3jx0abcdefghijklmnopqrstuvwx/sendMessage failed; " +
      "Bearer nmv_usr_abc-DEF_123; claim?ct=clm_Zz09-_xy; secret=s3cr3t-value";
    const out = redact(text, ["s3cr3t-value"], 1_000);
    expect(out).not.toMatch(/AAHk3jx0|nmv_usr_abc|clm_Zz09|s3cr3t/);
    expect(out.match(/\[redacted\]/g)).toHaveLength(4);
  });
  it("caps the length of what it returns", () => {
    expect(redact("x".repeat(1_000))).toHaveLength(300);
  });
});
