import { describe, expect, it } from "vitest";
import { ADMIN_CHECKS, adminRefusal, callerHoldsTheToken, changeIsNotASimpleRequest, hostIsOneWeListenOn, requestIsSameOrigin, type AdminRequestFacts } from "../../src/server/admin/guard.js";

/** A same-origin GET from the console's own page, on 127.0.0.1:4000: what every check must let through. */
const legitimate: AdminRequestFacts = {
  method: "GET",
  host: "127.0.0.1:4000",
  origin: undefined,
  secFetchSite: "same-origin",
  contentType: undefined,
  adminRequestHeader: false,
  authorization: undefined,
  localPort: 4000,
  localAddress: "127.0.0.1",
  isConsoleFile: false,
};
const loopback = { bindHost: "127.0.0.1", token: undefined };
const exposed = { bindHost: "0.0.0.0", token: "the-admin-token-0123456789" };

/** Each check, shown to fire on the hostile request it exists for and to stay silent on the legitimate one. */
describe.each([
  ["hostIsOneWeListenOn", hostIsOneWeListenOn, { host: "rebound.attacker.example:4000" }, { host: "localhost:4000" }, loopback],
  ["requestIsSameOrigin", requestIsSameOrigin, { origin: "http://localhost:5173", secFetchSite: "same-site" }, { origin: "http://127.0.0.1:4000" }, loopback],
  ["changeIsNotASimpleRequest", changeIsNotASimpleRequest, { method: "POST", contentType: "text/plain;charset=UTF-8" }, { method: "POST", contentType: "application/json; charset=utf-8" }, loopback],
  ["callerHoldsTheToken", callerHoldsTheToken, { authorization: "Bearer the-admin-token-012345678X" }, { authorization: "Bearer the-admin-token-0123456789" }, exposed],
] as const)("%s", (_name, check, hostile, friendly, options) => {
  it("fires on the request it guards against", () => {
    expect(check({ ...legitimate, ...hostile }, options)).toMatchObject({ status: expect.any(Number), error: expect.any(String) });
  });
  it("stays silent on a legitimate one", () => {
    expect(check({ ...legitimate, ...friendly }, options)).toBeUndefined();
    expect(check(legitimate, loopback)).toBeUndefined();
  });
});

describe("the admin guard as a whole", () => {
  it("runs every check (one typed list)", () => {
    expect(ADMIN_CHECKS).toEqual([hostIsOneWeListenOn, requestIsSameOrigin, callerHoldsTheToken, changeIsNotASimpleRequest]);
  });
  it("lets the console's files through without the token, but not without the Host and origin checks", () => {
    expect(adminRefusal({ ...legitimate, isConsoleFile: true }, exposed)).toBeUndefined();
    expect(adminRefusal({ ...legitimate, isConsoleFile: true, origin: "http://evil.example" }, exposed)?.status).toBe(403);
    expect(adminRefusal(legitimate, exposed)?.status).toBe(401);
  });
  it("accepts the address a request arrived on when bound to every address (a LAN IP), and IPv6", () => {
    expect(adminRefusal({ ...legitimate, host: "192.168.1.20:4000", localAddress: "::ffff:192.168.1.20", authorization: "Bearer the-admin-token-0123456789" }, exposed)).toBeUndefined();
    expect(adminRefusal({ ...legitimate, host: "[::1]:4000", localAddress: "::1" }, loopback)).toBeUndefined();
    expect(adminRefusal({ ...legitimate, host: "127.0.0.1:4001" }, loopback)?.status).toBe(403);
  });
});
