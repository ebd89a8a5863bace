// Fedify 2 is written for Node >= 22; these are the pieces of it Node 20 lacks.
import { Temporal } from "@js-temporal/polyfill";

if (typeof globalThis.Temporal === "undefined") globalThis.Temporal = Temporal;

if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

if (typeof Array.fromAsync !== "function") {
  Array.fromAsync = async function fromAsync(items, mapFn, thisArg) {
    const result = [];
    let index = 0;
    for await (const item of items) {
      result.push(mapFn ? await mapFn.call(thisArg, item, index) : item);
      index++;
    }
    return result;
  };
}

if (typeof globalThis.navigator === "undefined") {
  Object.defineProperty(globalThis, "navigator", {
    value: { userAgent: `Node.js/${process.versions.node}` }, configurable: true,
  });
}
