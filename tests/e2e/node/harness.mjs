// Shared by the client coverage scripts (megalodon.mjs, masto.mjs): each call is run once,
// its outcome recorded as {method, route, result: "pass" | "fail", error?}; a call passes
// when the client library parsed the answer and the check on the parsed entity held.
import crypto from "node:crypto";

export class Coverage {
  constructor() {
    this.rows = [];
    this.skipped = [];
  }

  // Run `fn`, then `check(value)`: true, or a string saying what is wrong.
  async call(method, route, fn, check = () => true) {
    try {
      const value = await fn();
      const verdict = check(value);
      if (verdict === true || verdict === undefined) {
        this.rows.push({ method, route, result: "pass" });
      } else {
        this.rows.push({ method, route, result: "fail", error: `check: ${verdict}` });
      }
      return value;
    } catch (error) {
      const response = error && (error.response || error);
      const status = response && (response.status || response.statusCode);
      const body = response && response.data ? JSON.stringify(response.data).slice(0, 300) : "";
      this.rows.push({ method, route, result: "fail",
                       error: `${status || ""} ${String(error && error.message || error).slice(0, 300)} ${body}`.trim() });
      return undefined;
    }
  }

  // A method of the client knowingly not called, and why.
  skip(method, route, reason) {
    this.skipped.push({ method, route, reason });
  }

  print() {
    process.stdout.write(JSON.stringify({ calls: this.rows, not_covered: this.skipped }) + "\n");
  }
}

// A Web Push subscription a server accepts: a P-256 public key and a 16-byte auth secret.
export function pushKeys() {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey("base64url"), auth: crypto.randomBytes(16).toString("base64url") };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function expect(condition, message) {
  return condition ? true : message;
}
